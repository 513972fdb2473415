using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Trainers;

/// <summary>Warm start, determinism, option validation and divergence, through the ML.NET trainer.</summary>
[TestClass]
public sealed class TrainerBehaviourTests
{
    private static IDataView Generated(MLContext ml, int rows = 600, float[]? scales = null) =>
        SyntheticRegression.Generate(rows, 4, seed: 5, noise: 0.3f, featureScales: scales).ToDataView(ml);

    private static double FullCost(IDataView data, LinearModelParameters model)
    {
        var dataset = DataViewReader.Read(data, "Label", "Features");
        return MseLoss.Cost(new LinearModel(model.Weights.ToArray(), model.Bias), dataset);
    }

    [TestMethod]
    public void WarmStartContinuesFromOurModel()
    {
        var ml = new MLContext(1);
        var data = Generated(ml);
        var first = ml.Regression.Trainers.GradientDescent(batchSize: 32, numberOfEpochs: 1, learningRate: 0.01f).Fit(data);
        var next = ml.Regression.Trainers.GradientDescent(batchSize: 32, numberOfEpochs: 1, learningRate: 0.01f).Fit(data, first.Model);

        double before = FullCost(data, first.Model), after = FullCost(data, next.Model);
        Assert.IsTrue(after <= before, $"cost rose from {before} to {after}");
        Assert.AreNotEqual(first.Model.Bias, next.Model.Bias, "warm start must continue, not restart");
    }

    [TestMethod]
    public void WarmStartAcceptsSdcaAndOnlineGradientDescentModels()
    {
        var ml = new MLContext(1);
        var data = Generated(ml);
        LinearModelParameters sdca = ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 2).Fit(data).Model;
        LinearModelParameters ogd = ml.Regression.Trainers.OnlineGradientDescent(numberOfIterations: 1).Fit(data).Model;
        foreach (var start in new[] { sdca, ogd })
        {
            var trainer = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { NumberOfEpochs = 1, Tolerance = 0 });
            var continued = trainer.Fit(data, start);
            double before = FullCost(data, start), after = FullCost(data, continued.Model);
            Assert.IsTrue(after <= before, $"{start.GetType().Name}: cost rose from {before} to {after}");
        }
    }

    [TestMethod]
    public void WarmStartRejectsAModelWithOtherFeatures()
    {
        var ml = new MLContext(1);
        var other = SyntheticRegression.Generate(50, 3, seed: 1).ToDataView(ml);
        var start = ml.Regression.Trainers.GradientDescent().Fit(other).Model;
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.GradientDescent().Fit(Generated(ml), start));
        Assert.AreEqual("modelParameters", ex.ParamName);
        StringAssert.Contains(ex.Message, "3 weights");
    }

    [TestMethod]
    public void SameSeedGivesBitIdenticalWeightsAndAnotherSeedAnotherShuffle()
    {
        float[] Weights(int seed)
        {
            var ml = new MLContext(seed: 123); // the trainer's own Seed decides, not the context's
            var options = new GradientDescentRegressionTrainer.Options { Seed = seed, BatchSize = 16, NumberOfEpochs = 3, Tolerance = 0 };
            var model = ml.Regression.Trainers.GradientDescent(options).Fit(Generated(ml)).Model;
            return [.. model.Weights, model.Bias];
        }

        CollectionAssert.AreEqual(Weights(7), Weights(7));
        CollectionAssert.AreNotEqual(Weights(7), Weights(8));
    }

    [TestMethod]
    public void DifferentSeedsShuffleBatchesDifferently()
    {
        var a = new int[50];
        var b = new int[50];
        new SplitMix64(1, 1).Permutation(a);
        new SplitMix64(2, 1).Permutation(b);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), a);
        CollectionAssert.AreNotEqual(a, b);
    }

    public static IEnumerable<object[]> InvalidOptions =>
    [
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { LearningRate = 0f }), "LearningRate"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { LearningRate = -1f }), "LearningRate"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { LearningRate = float.NaN }), "LearningRate"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { LearningRate = float.PositiveInfinity }), "LearningRate"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { BatchSize = 0 }), "BatchSize"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { NumberOfEpochs = 0 }), "NumberOfEpochs"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { Tolerance = -1e-3 }), "Tolerance"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { Tolerance = double.NaN }), "Tolerance"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { LabelColumnName = "" }), "LabelColumnName"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { LabelColumnName = null! }), "LabelColumnName"],
        [(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>)(o => o with { FeatureColumnName = " " }), "FeatureColumnName"],
    ];

    [TestMethod]
    [DynamicData(nameof(InvalidOptions))]
    public void InvalidOptionThrowsNamingIt(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options> spoil, string option)
    {
        var options = spoil(new GradientDescentRegressionTrainer.Options());
        var ex = Assert.Throws<ArgumentException>(() => new MLContext().Regression.Trainers.GradientDescent(options));
        Assert.AreEqual(option, ex.ParamName);
    }

    [TestMethod]
    public void InvalidCatalogArgumentsThrowNamingTheOption()
    {
        var trainers = new MLContext().Regression.Trainers;
        Assert.AreEqual("LearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainers.GradientDescent(learningRate: 0)).ParamName);
        Assert.AreEqual("BatchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainers.GradientDescent(batchSize: 0)).ParamName);
        Assert.AreEqual("NumberOfEpochs", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainers.GradientDescent(numberOfEpochs: -1)).ParamName);
        Assert.AreEqual("LabelColumnName", Assert.ThrowsExactly<ArgumentException>(() => trainers.GradientDescent(labelColumnName: "")).ParamName);
        Assert.ThrowsExactly<ArgumentNullException>(() => trainers.GradientDescent((GradientDescentRegressionTrainer.Options)null!));
    }

    [TestMethod]
    public void DivergenceOnUnnormalizedDataThrowsInsteadOfReturningNaN()
    {
        var ml = new MLContext(1);
        var data = Generated(ml, scales: [1f, 100f, 1000f, 10f]);
        var trainer = ml.Regression.Trainers.GradientDescent(learningRate: 10f);

        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() => trainer.Fit(data));
        Assert.AreEqual(10f, ex.LearningRate);
        Assert.IsTrue(ex.SuggestedLearningRate <= 1f, $"suggested {ex.SuggestedLearningRate}");
        StringAssert.Contains(ex.Message, "LearningRate = 10");
        StringAssert.Contains(ex.Message, "Lower LearningRate to");

        // The suggested rate does train.
        var stable = ml.Regression.Trainers.GradientDescent(learningRate: ex.SuggestedLearningRate, numberOfEpochs: 2).Fit(data);
        Assert.IsTrue(stable.Model.Weights.All(float.IsFinite));
    }

    [TestMethod]
    public void FitReportsHistoryThroughCallbackAndLastHistory()
    {
        var ml = new MLContext(1);
        var seen = new List<EpochRecord>();
        var trainer = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options
        {
            NumberOfEpochs = 5,
            Tolerance = 0,
            EpochCompleted = seen.Add,
        });
        trainer.Fit(Generated(ml));

        Assert.AreEqual(5, seen.Count);
        CollectionAssert.AreEqual(seen, trainer.LastHistory!.Epochs.ToList());
        Assert.IsTrue(seen[^1].TrainingCost < seen[0].TrainingCost);
        Assert.AreEqual(StopReason.EpochLimit, trainer.LastHistory.StopReason);
    }

    [TestMethod]
    public void ReplayBuildsMlNetModelWithExactlyOurWeights()
    {
        var ml = new MLContext();
        float[] weights = [1e30f, -3.5f, 1e-30f, float.Epsilon, 0f, -1e-7f, 123456.789f];
        const float bias = -0.1f;
        var column = SyntheticRegression.Generate(1, weights.Length, 1).ToDataView(ml).Schema["Features"];

        var transformer = LinearModelFactory.Create(ml, weights, bias, "Label", column);

        CollectionAssert.AreEqual(weights, transformer.Model.Weights.ToArray());
        Assert.AreEqual(bias, transformer.Model.Bias);
        Assert.AreEqual("Features", transformer.FeatureColumnName);
    }
}
