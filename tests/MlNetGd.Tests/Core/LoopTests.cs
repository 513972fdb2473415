using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Core;

/// <summary>The core loop, session and helpers on their own.</summary>
[TestClass]
public sealed class LoopTests
{
    [TestMethod]
    public void MinibatchesCoverEveryRowOncePerEpochInEqualBatches()
    {
        // With lr tiny, one epoch's recorded cost is the row-weighted mean of batch costs at ~the start point, i.e. the full cost.
        var data = SyntheticRegression.Generate(103, 3, seed: 2).ToDenseDataset();
        var model = new LinearModel(3);
        double start = MseLoss.Cost(model, data);
        var history = new GradientDescentLoop(new GradientDescentSettings { LearningRate = 1e-12f, BatchSize = 10, NumberOfEpochs = 1 }).Run(data, model);
        Assert.AreEqual(11, GradientDescentLoop.BatchCount(103, 10));
        Assert.AreEqual(103, GradientDescentLoop.BatchStart(11, 103, 11));
        Assert.IsTrue(Enumerable.Range(0, 11).All(k => GradientDescentLoop.BatchStart(k + 1, 103, 11) - GradientDescentLoop.BatchStart(k, 103, 11) is 9 or 10));
        Assert.AreEqual(start, history.Epochs[0].TrainingCost, 1e-6 * start);
    }

    [TestMethod]
    public void ToleranceStopsWhenTheCostStopsImproving()
    {
        var data = SyntheticRegression.Generate(500, 3, seed: 3, noise: 0.1f).ToDenseDataset();
        var history = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 500, NumberOfEpochs = 10_000, Tolerance = 1e-3 })
            .Run(data, new LinearModel(3));
        Assert.AreEqual(StopReason.Converged, history.StopReason);
        Assert.IsTrue(history.EpochCount < 10_000);
    }

    [TestMethod]
    public void DivergenceRestoresTheModelAndNamesAStableRate()
    {
        var data = DenseDataset.FromRows([[1f], [2f], [3f]], [2f, 4f, 6f]);
        var model = new LinearModel([0.5f], 0.25f);
        var loop = new GradientDescentLoop(new GradientDescentSettings { LearningRate = 1f, BatchSize = 3, NumberOfEpochs = 1000, StandardizeFeatures = false, Averaged = false });

        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => loop.Run(data, model));

        Assert.AreEqual(0.5f, model.Weights[0]);
        Assert.AreEqual(0.25f, model.Bias);
        Assert.IsTrue(ex.SuggestedLearningRate < 2 / 11.09f, $"suggested {ex.SuggestedLearningRate}; 2/λmax is 0.18");
        // The suggested rate trains the same data.
        new GradientDescentLoop(new GradientDescentSettings { LearningRate = ex.SuggestedLearningRate, BatchSize = 3, NumberOfEpochs = 100, StandardizeFeatures = false, Averaged = false }).Run(data, model);
        Assert.IsTrue(model.IsFinite);
    }

    [TestMethod]
    public void CancellationStopsWithinABatchAndRestoresTheModel()
    {
        var data = SyntheticRegression.Generate(2000, 3, seed: 4).ToDenseDataset();
        var model = new LinearModel(3);
        using var cts = new CancellationTokenSource();
        var settings = new GradientDescentSettings { BatchSize = 10, NumberOfEpochs = 1000, Tolerance = 0, EpochCompleted = e => { if (e.Epoch == 2) cts.Cancel(); } };

        Assert.ThrowsExactly<OperationCanceledException>(() => new GradientDescentLoop(settings).Run(data, model, cancellationToken: cts.Token));
        CollectionAssert.AreEqual(new float[4], model.Parameters);
    }

    [TestMethod]
    public void CurvatureEstimateMatchesTheTutorialsEigenvalues()
    {
        // H = (2/3) [[14, 6], [6, 3]]: λmax = (17 + √265) / 3 = 11.093, trace = 34/3.
        var (lambda, trace) = CurvatureEstimator.Estimate(DenseDataset.FromRows([[1f], [2f], [3f]], [2f, 4f, 6f]));
        Assert.AreEqual((17 + Math.Sqrt(265)) / 3, lambda, 1e-3);
        Assert.AreEqual(34.0 / 3, trace, 1e-4);
    }

    [TestMethod]
    public void CurvatureEstimateScalesWithHugeFeaturesInsteadOfCollapsingToZero()
    {
        // ‖Hv‖² overflows float at 1e15-sized features even though Hv itself does not; λmax must still scale as s².
        var generated = SyntheticRegression.Generate(100, 2, seed: 1);
        var unit = CurvatureEstimator.Estimate(new DenseDataset((float[])generated.Features.Clone(), generated.Labels, 2));
        var huge = CurvatureEstimator.Estimate(new DenseDataset(generated.Features.Select(v => v * 1e15f).ToArray(), generated.Labels, 2));
        Assert.IsTrue(huge.LargestEigenvalue > 1e29, $"λmax = {huge.LargestEigenvalue}");
        Assert.IsTrue(huge.LargestEigenvalue <= 1e30 * (unit.LargestEigenvalue + 1), $"λmax = {huge.LargestEigenvalue}");
    }

    [TestMethod]
    public void LeastSquaresRecoversNoiselessWeightsAndReportsSingularSystems()
    {
        var generated = SyntheticRegression.Generate(200, 5, seed: 9, noise: 0f);
        var (weights, bias, reason) = LeastSquaresSolver.Solve(generated.ToDenseDataset());
        Assert.IsNull(reason);
        for (int j = 0; j < 5; j++)
            Assert.AreEqual(generated.TrueWeights[j], weights![j], 1e-4);
        Assert.AreEqual(generated.TrueBias, bias, 1e-4);

        var constant = DenseDataset.FromRows([[1f, 2f], [1f, 3f], [1f, 5f]], [1f, 2f, 3f]);
        var singular = LeastSquaresSolver.Solve(constant);
        Assert.IsNull(singular.Weights);
        StringAssert.Contains(singular.Reason, "singular");
    }

    [TestMethod]
    public void DenseDatasetNamesTheRowAndColumnOfABadValue()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new DenseDataset([1f, 2f, 3f, float.NaN], [1f, 2f], 2));
        StringAssert.Contains(ex.Message, "Row 1: feature slot 1 of column 'Features' is NaN");
        ex = Assert.ThrowsExactly<ArgumentException>(() => new DenseDataset([1f, 2f], [1f, float.PositiveInfinity], 1));
        StringAssert.Contains(ex.Message, "Row 1: the label column 'Label' is");
        ex = Assert.ThrowsExactly<ArgumentException>(() => DenseDataset.FromRows([[1f, 2f], [3f]], [1f, 2f]));
        StringAssert.Contains(ex.Message, "Row 1 has 1 features");
    }

    [TestMethod]
    public void ShuffleRowsIsASeededPermutationOfWholeRows()
    {
        var data = DenseDataset.FromRows(Enumerable.Range(0, 20).Select(i => new[] { i, i * 10f }).ToArray(), Enumerable.Range(0, 20).Select(i => (float)i).ToArray());
        var copy = DenseDataset.FromRows(Enumerable.Range(0, 20).Select(i => new[] { i, i * 10f }).ToArray(), Enumerable.Range(0, 20).Select(i => (float)i).ToArray());
        data.ShuffleRows(3);
        copy.ShuffleRows(3);
        CollectionAssert.AreEqual(copy.Features, data.Features);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), data.Labels);
        for (int i = 0; i < 20; i++)
            Assert.AreEqual(data.Labels[i] * 10f, data.Row(i)[1], "rows move whole, with their labels");
    }
}
