using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>Divergence found at the end of an epoch (the last step made the weights non-finite) under both actions.</summary>
[TestClass]
public sealed class TrainingSessionDivergenceTests
{
    [TestMethod]
    public void RecoverRollsBackToTheLastGoodEpochAndHalvesTheRate()
    {
        var data = SyntheticRegression.Generate(512, 2, seed: 21).ToDenseDataset();
        var optimizer = new PoisonedSgd(0.1f, poisonAtStep: 4); // epoch 2's last step writes NaN
        var model = new LinearModel(2);
        var session = new TrainingSession(new GradientDescentSettings { OnDivergence = DivergenceAction.Recover, Averaged = false, NumberOfEpochs = 3 }, model, 0.1f, false, () => 0.01f, optimizer);

        TrainEpoch(session, data);
        Assert.IsFalse(session.EndEpoch());
        float[] afterEpoch1 = (float[])model.Parameters.Clone();
        TrainEpoch(session, data);
        Assert.IsFalse(session.EndEpoch(), "a rolled-back epoch does not count as converged");

        Assert.IsTrue(model.IsFinite);
        CollectionAssert.AreEqual(afterEpoch1, model.Parameters, "back to the weights at the end of epoch 1");
        TrainEpoch(session, data);
        Assert.IsTrue(session.EndEpoch());
        var history = session.ToHistory();
        Assert.AreEqual(1, history.Epochs[1].Recoveries);
        Assert.AreEqual(0.05f, history.Epochs[1].LearningRate);
        Assert.AreEqual(0.05f, history.Epochs[2].LearningRate);
    }

    [TestMethod]
    public void ATinyFirstBatchIsNoReferenceForDivergence()
    {
        // Pure SGD, rows in order: the first batch is one row whose label is -0.05, so its cost at W = 0 is 0.0025; the next rows
        // cost about 100 each at the start. Comparing them with the first batch (10⁴ × 0.0025 = 25) called this divergence.
        var rows = new float[18][];
        var labels = new float[18];
        var generated = SyntheticRegression.Generate(18, 3, seed: 4, noise: 0.1f);
        for (int i = 0; i < 18; i++)
        {
            rows[i] = generated.Features.AsSpan(i * 3, 3).ToArray();
            labels[i] = i == 0 ? -0.05f : 10f + generated.Labels[i];
        }
        var data = DenseDataset.FromRows(rows, labels);
        var settings = new GradientDescentSettings { BatchSize = 1, Shuffle = false, NumberOfEpochs = 25 };

        var model = new LinearModel(3);
        new GradientDescentLoop(settings).Run(data, model);

        Assert.IsTrue(model.IsFinite);
        Assert.IsTrue(MseLoss.Cost(model, data) < MseLoss.Cost(new LinearModel(3), data));
    }

    [TestMethod]
    public void ThrowRestoresTheStartingModelAndNamesTheEpoch()
    {
        var data = SyntheticRegression.Generate(512, 2, seed: 21).ToDenseDataset();
        var model = new LinearModel([0.5f, -0.5f], 1f);
        var session = new TrainingSession(new GradientDescentSettings(), model, 0.1f, false, () => 0.01f, new PoisonedSgd(0.1f, poisonAtStep: 2));
        TrainEpoch(session, data);
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => session.EndEpoch());
        Assert.AreEqual(1, ex.Epoch);
        Assert.AreEqual(0.01f, ex.SuggestedLearningRate);
        CollectionAssert.AreEqual(new[] { 0.5f, -0.5f, 1f }, model.Parameters);
    }

    private static void TrainEpoch(TrainingSession session, DenseDataset data)
    {
        session.TrainBatch(data.Features.AsSpan(0, 256 * 2), data.Labels.AsSpan(0, 256));
        session.TrainBatch(data.Features.AsSpan(256 * 2), data.Labels.AsSpan(256));
    }

    /// <summary>Plain SGD that writes NaN into the first weight at one given step (1-based), to simulate an overflow.</summary>
    private sealed class PoisonedSgd(float learningRate, int poisonAtStep) : IOptimizer
    {
        private readonly Sgd _inner = new(learningRate);
        private int _steps;

        public float LearningRate { get => _inner.LearningRate; set => _inner.LearningRate = value; }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
        {
            _inner.Step(parameters, gradient);
            if (++_steps == poisonAtStep)
                parameters[0] = float.NaN;
        }

        public void Reset(int parameterCount) => _inner.Reset(parameterCount);
    }

    [TestMethod]
    public void AnAutomaticRateThatRunsAwayIsNamedAsTheRateNotTheScale()
    {
        // The rate is chosen on rows of size ~1; batches of rows 30 times larger then curve 900 times more.
        var calm = SyntheticRegression.Generate(512, 2, seed: 22).ToDenseDataset();
        var wild = new DenseDataset(calm.Features.Select(x => x * 30).ToArray(), (float[])calm.Labels.Clone(), 2);
        var model = new LinearModel(2);
        var session = TrainingSession.Start(new GradientDescentSettings { StandardizeFeatures = false, Averaged = false }, calm, calm.RowCount, 32, model);
        var error = Assert.ThrowsExactly<TrainingDivergedException>(() =>
        {
            for (int k = 0; k < 1000; k++)
                session.TrainBatch(wild.Rows(k * 32 % 480, 32));
        });
        StringAssert.Contains(error.Message, "automatic LearningRate");
        StringAssert.Contains(error.Message, "some batches curve more");
        Assert.IsFalse(error.Message.Contains("single precision", StringComparison.Ordinal), error.Message);
    }

    // The scale case (labels of 1e38, whose products overflow) is named as the scale: MagnitudeTests.LabelsSoLargeTheGradientOverflowsAreAClearErrorAndLeaveNoModel.
}
