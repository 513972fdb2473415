using Microsoft.ML;
using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Performance;

/// <summary>The number of threads changes the speed of a fit, never its result.</summary>
[TestClass]
public sealed class ThreadCountTests
{
    [TestMethod]
    [DataRow(4096)]
    [DataRow(100_000)]
    public void OneAndTwoThreadsGiveBitIdenticalWeights(int batchSize)
    {
        var source = SyntheticRegression.Generate(20_000, 16, seed: 5);
        float[] Fit(int threads)
        {
            var data = source.ToDenseDataset();
            data.ShuffleRows(1);
            var model = new LinearModel(data.FeatureCount);
            var settings = new GradientDescentSettings { BatchSize = batchSize, NumberOfEpochs = 6, Tolerance = 0, NumberOfThreads = threads, Seed = 9 };
            new GradientDescentLoop(settings).Run(data, model);
            return model.Parameters;
        }

        var one = Fit(1);
        CollectionAssert.AreEqual(one, Fit(2));
        CollectionAssert.AreEqual(one, Fit(3));
        CollectionAssert.AreEqual(one, Fit(0));
        Assert.IsTrue(one.All(float.IsFinite));
    }

    [TestMethod]
    public void TrainerGivesTheSameModelForAnyNumberOfThreads()
    {
        var ml = new MLContext(1);
        var view = SyntheticRegression.Generate(6_000, 8, seed: 2).ToDataView(ml);
        float[] Fit(int? threads)
        {
            var trainer = ml.Regression.Trainers.GradientDescent(new MlNetGd.Trainers.GradientDescentRegressionTrainer.Options
            {
                BatchSize = 4096, NumberOfEpochs = 5, NumberOfThreads = threads,
            });
            var model = trainer.Fit(view).Model;
            return [.. model.Weights, model.Bias];
        }

        var single = Fit(1);
        CollectionAssert.AreEqual(single, Fit(2));
        CollectionAssert.AreEqual(single, Fit(null));
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(GradientDescentSettings.MaxNumberOfThreads + 1)]
    public void NumberOfThreadsOutOfRangeIsRejected(int threads)
    {
        var settings = new GradientDescentSettings { NumberOfThreads = threads };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(settings.Validate);
        Assert.AreEqual(nameof(GradientDescentSettings.NumberOfThreads), e.ParamName);
        StringAssert.Contains(e.Message, "must be in range [0, 1024]");
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(GradientDescentSettings.MaxNumberOfThreads)]
    public void NumberOfThreadsInRangeIsAccepted(int? threads) => new GradientDescentSettings { NumberOfThreads = threads }.Validate();
}
