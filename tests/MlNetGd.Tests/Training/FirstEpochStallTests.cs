using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>The stopping policy's "returned model stalled" rule in the first epoch: the epoch's average against the average of its
/// first half, so a fit whose average already sits at the optimum stops after one epoch.</summary>
[TestClass]
public sealed class FirstEpochStallTests
{
    private const int Rows = 100_000, Features = 8;

    private static DenseDataset Data(int seed) => SyntheticRegression.Generate(Rows, Features, seed, noise: 0.5f).ToDenseDataset();

    private static double Mse(DenseDataset data, LinearModel model) => MseLoss.Cost(model, data);

    [TestMethod]
    public void AnAverageAtTheOptimumStopsAfterTheFirstEpoch()
    {
        var data = Data(seed: 21);
        var model = new LinearModel(Features);
        // 1563 batches of 64: the start weighs on the first half's average (781 steps) by a few 0.01% of the MSE, under the
        // tolerance, so the whole epoch's average is no better by the tolerance.
        var history = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 64, Seed = 1, Tolerance = 1e-3 }).Run(data, model);

        var (weights, bias, _) = LeastSquaresSolver.Solve(data);
        double optimum = Mse(data, new LinearModel(weights!.Select(w => (float)w).ToArray(), (float)bias));
        Assert.AreEqual(StopReason.Converged, history.StopReason);
        Assert.AreEqual(1, history.EpochCount, "the average of the whole first epoch is no better than that of its first half");
        // The same data at a tolerance under that weight goes on to a second epoch.
        var strict = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 64, Seed = 1, Tolerance = 1e-5 }).Run(data, new LinearModel(Features));
        Assert.IsTrue(strict.EpochCount >= 2, $"{strict.EpochCount} epochs at tolerance 1e-5");
        Assert.IsTrue(Mse(data, model) <= optimum * 1.001, $"MSE {Mse(data, model)} vs optimum {optimum}");
    }

    [TestMethod]
    public void AnAverageStillMovingGoesOn()
    {
        // A rate far below the automatic one: the iterates are still travelling at the end of the first epoch, so the whole
        // epoch's average beats its first half's and the fit must not stop there.
        var data = Data(seed: 22);
        var history = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 64, Seed = 1, LearningRate = 1e-4f, NumberOfEpochs = 3 })
            .Run(data, new LinearModel(Features));

        Assert.AreEqual(3, history.EpochCount);
        Assert.AreEqual(StopReason.EpochLimit, history.StopReason);
    }

    [TestMethod]
    public void TooFewStepsInHalfAnEpochAreNotJudged()
    {
        // 2 × 63 batches: half an epoch is under the 64 steps the stall rule needs, so epoch 1 is never compared with its half.
        var data = Data(seed: 23);
        var history = new GradientDescentLoop(new GradientDescentSettings { BatchSize = Rows / 126, Seed = 1, Tolerance = 1e-3 }).Run(data, new LinearModel(Features));

        Assert.IsTrue(history.EpochCount >= 2, $"{history.EpochCount} epochs");
    }

    [TestMethod]
    public void HeldOutRowsJudgeTheFirstEpochInstead()
    {
        // With held-out rows the returned model is judged on them, epoch against epoch: the sample's half-epoch figure is not used.
        var data = Data(seed: 24);
        var history = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 64, Seed = 1, Tolerance = 1e-3, ValidationFraction = 0.1 })
            .Run(data, new LinearModel(Features));

        Assert.IsTrue(history.EpochCount >= 2, $"{history.EpochCount} epochs");
    }

    [TestMethod]
    public void TheRuleIsTheSameOnAnyThreadCount()
    {
        var data = Data(seed: 25);
        var one = new LinearModel(Features);
        var two = new LinearModel(Features);
        var h1 = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 64, Seed = 3, NumberOfThreads = 1 }).Run(data, one);
        var h2 = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 64, Seed = 3, NumberOfThreads = 2 }).Run(data, two);

        Assert.AreEqual(h1.EpochCount, h2.EpochCount);
        CollectionAssert.AreEqual(one.Parameters, two.Parameters);
    }
}
