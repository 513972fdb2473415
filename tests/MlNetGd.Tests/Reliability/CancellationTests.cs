using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>A cancelled fit stops within one batch with <see cref="OperationCanceledException"/> and leaves no partial model.</summary>
[TestClass]
public sealed class CancellationTests
{
    /// <summary>Plain SGD that cancels a token after a given number of steps, and counts the steps it took.</summary>
    private sealed class CancellingOptimizer(CancellationTokenSource source, int cancelAfterSteps) : IOptimizer
    {
        private readonly Sgd _sgd = new(0.01f);

        public int Steps { get; private set; }

        public float LearningRate { get => _sgd.LearningRate; set => _sgd.LearningRate = value; }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
        {
            _sgd.Step(parameters, gradient);
            if (++Steps == cancelAfterSteps)
                source.Cancel();
        }

        public void Reset(int parameterCount) => _sgd.Reset(parameterCount);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(23)]
    public void CancellingMidEpochStopsBeforeTheNextBatchAndRestoresTheModel(int cancelAfterSteps)
    {
        // 400 rows in batches of 40: 10 batches per epoch, so step 7 and 23 are in the middle of epochs 1 and 3.
        var data = Data.SyntheticRegression.Generate(400, 3, 2).ToDenseDataset();
        var model = new LinearModel([0.5f, -1f, 2f], 0.25f);
        var start = Bits(model.Parameters);
        using var source = new CancellationTokenSource();
        var optimizer = new CancellingOptimizer(source, cancelAfterSteps);
        int epochsCompleted = 0;
        var settings = new GradientDescentSettings { BatchSize = 40, NumberOfEpochs = 1000, Tolerance = 0, EpochCompleted = _ => epochsCompleted++ };

        Assert.ThrowsExactly<OperationCanceledException>(() => new GradientDescentLoop(settings).Run(data, model, optimizer, source.Token));

        Assert.AreEqual(cancelAfterSteps, optimizer.Steps, "no batch may run after the token is cancelled");
        Assert.AreEqual((cancelAfterSteps - 1) / 10, epochsCompleted);
        CollectionAssert.AreEqual(start, Bits(model.Parameters), "the model must be back at its starting parameters");
    }

    [TestMethod]
    public void TrainerCancelledFromAnEpochCallbackThrowsAndPublishesNothing()
    {
        var ml = new MLContext(1);
        var data = LinearView(ml, 2000, 4);
        using var source = new CancellationTokenSource();
        int epochs = 0;
        var trainer = Trainer(o => o with
        {
            NumberOfEpochs = 100_000,
            Tolerance = 0,
            BatchSize = 1,
            CancellationToken = source.Token,
            EpochCompleted = _ =>
            {
                if (++epochs == 2)
                    source.Cancel();
            },
        });

        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data));
        Assert.AreEqual(2, epochs, "the fit must stop in the epoch after the cancellation, at its first batch");
        Assert.IsNull(trainer.LastHistory, "a cancelled fit leaves no history (and returns no model)");
    }

    [TestMethod]
    public void AlreadyCancelledTokenStopsTheFitWhileReading()
    {
        var ml = new MLContext(1);
        using var source = new CancellationTokenSource();
        source.Cancel();
        var trainer = Trainer(o => o with { CancellationToken = source.Token });
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(LinearView(ml, 100, 2)));
        Assert.IsNull(trainer.LastHistory);
    }

    [TestMethod]
    public void CancelledWarmStartLeavesTheStartingModelUnchanged()
    {
        var ml = new MLContext(1);
        var data = LinearView(ml, 500, 3);
        var first = Trainer().Fit(data).Model;
        var before = Bits(first.Weights.ToArray());
        using var source = new CancellationTokenSource();
        var trainer = Trainer(o => o with
        {
            CancellationToken = source.Token,
            Tolerance = 0,
            EpochCompleted = _ => source.Cancel(),
        });
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data, first));
        CollectionAssert.AreEqual(before, Bits(first.Weights.ToArray()));
    }
}
