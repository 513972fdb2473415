using Microsoft.ML;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>The same seed gives the same model bit for bit: across runs, across concurrent fits, in the core and in the trainer.</summary>
[TestClass]
public sealed class DeterminismTests
{
    private static int[] FitBits(int seed, int batchSize, IDataView? data = null)
    {
        data ??= LinearView(new MLContext(99), 600, 5, seed: 4);
        var model = Trainer(o => o with { Seed = seed, BatchSize = batchSize, NumberOfEpochs = 20 }).Fit(data).Model;
        return Bits([.. model.Weights, model.Bias]);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(32)]
    [DataRow(1000)]
    public void SameSeedGivesBitIdenticalWeightsAcrossRuns(int batchSize)
    {
        var first = FitBits(7, batchSize);
        var second = FitBits(7, batchSize);
        CollectionAssert.AreEqual(first, second);
    }

    [TestMethod]
    public void DifferentSeedsGiveDifferentMinibatchTrajectories()
    {
        // Shows the comparison above can fail: the seed really changes the shuffles.
        CollectionAssert.AreNotEqual(FitBits(7, 32), FitBits(8, 32));
    }

    [TestMethod]
    public void ConcurrentFitsGiveTheSameBitsAsASequentialFit()
    {
        var data = LinearView(new MLContext(99), 600, 5, seed: 4);
        var sequential = FitBits(3, 16, data);
        var concurrent = new int[4][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = FitBits(3, 16, data));
        foreach (var bits in concurrent)
            CollectionAssert.AreEqual(sequential, bits);
    }

    [TestMethod]
    public void CoreLoopIsBitIdenticalAcrossRunsIncludingTheHistory()
    {
        var settings = new GradientDescentSettings { Seed = 5, BatchSize = 8, NumberOfEpochs = 15, Tolerance = 0 };
        (int[] Parameters, double[] Costs) Run()
        {
            var data = Data.SyntheticRegression.Generate(200, 4, 9).ToDenseDataset();
            data.ShuffleRows(settings.Seed);
            var model = new LinearModel(4);
            var history = new GradientDescentLoop(settings).Run(data, model);
            return (Bits(model.Parameters), history.Epochs.Select(e => e.TrainingCost).ToArray());
        }
        var (p1, c1) = Run();
        var (p2, c2) = Run();
        CollectionAssert.AreEqual(p1, p2);
        CollectionAssert.AreEqual(c1, c2);
    }
}
