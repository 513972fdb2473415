using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.OneWayIn;

/// <summary>A session whose epochs are stepped elsewhere (a distributed fit's coordinator) decides as a local one does.</summary>
[TestClass]
public sealed class EpochOutcomeTests
{
    [TestMethod]
    [DataRow(false, 0.0)]
    [DataRow(false, 1e-4)]
    [DataRow(true, 1e-4)]
    public void EpochsSteppedOutsideTheSessionGiveTheLocalFit(bool sparse, double tolerance)
    {
        var dense = SyntheticRegression.Generate(3000, 6, seed: 8).ToDenseDataset();
        TrainingRows rows = sparse ? CsrDataset.FromDense(Sparse.SparseData.OneHot(3000, [20, 8], 1.1, seed: 3)) : dense;
        var settings = new GradientDescentSettings { Tolerance = tolerance, NumberOfEpochs = 12, Shuffle = false };
        var local = new LinearModel(rows.FeatureCount);
        var localHistory = new GradientDescentLoop(settings).Run(rows, local);

        // The same fit, its epochs stepped by an engine outside the session, as a worker would, and reported as outcomes.
        var source = CachedBatches.ForFit(rows, settings);
        var survey = Survey.Take(source, settings.StandardizeFeatures);
        var remote = new LinearModel(rows.FeatureCount);
        var session = TrainingSession.Start(settings, survey, source.SmallestBatch, remote);
        var engine = StepEngine.Create(settings, rows.FeatureCount, survey.Standardization, null, session.LearningRate, rows.IsSparse);
        var theta = new float[rows.FeatureCount + 1];
        var average = new float[theta.Length];
        bool done;
        do
        {
            engine.Load(session.NextEpochParameters);
            double weighted = 0;
            long trained = 0;
            source.BeginEpoch(session.Epoch);
            while (source.TryGetBatch(out var batch))
            {
                double cost = engine.Step(batch, session.LearningRate, session.BatchCostLimit);
                weighted += cost * batch.RowCount;
                trained += batch.RowCount;
            }
            source.EndEpoch(session.Epoch);
            engine.Store(theta, average);
            done = session.EndEpoch(new EpochOutcome(theta, average, weighted / trained, trained, engine.Steps), source.Validation);
        }
        while (!done);

        var remoteHistory = session.ToHistory();
        Assert.AreEqual(localHistory.EpochCount, remoteHistory.EpochCount);
        Assert.AreEqual(localHistory.StopReason, remoteHistory.StopReason);
        CollectionAssert.AreEqual(local.Parameters, remote.Parameters, "the same model bit for bit");
    }

    [TestMethod]
    public void ADivergedBatchReportedFromOutsideHalvesTheRateUnderRecoverAndThrowsOtherwise()
    {
        var rows = SyntheticRegression.Generate(500, 3, seed: 2).ToDenseDataset();
        var survey = Survey.Take(new CachedBatches(rows, rows.RowCount, 64, false, 0), standardize: true);
        var recovering = TrainingSession.Start(new GradientDescentSettings { OnDivergence = DivergenceAction.Recover }, survey, 64, new LinearModel(3));
        float rate = recovering.LearningRate;
        recovering.ReportDivergedBatch(double.NaN);
        Assert.AreEqual(rate / 2, recovering.LearningRate, 1e-6f * rate);

        var model = new LinearModel([1f, 2f, 3f], 4f);
        var throwing = TrainingSession.Start(new GradientDescentSettings(), survey, 64, model);
        Assert.ThrowsExactly<TrainingDivergedException>(() => throwing.ReportDivergedBatch(double.PositiveInfinity));
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, model.Parameters, "the model is restored");
    }
}
