using Microsoft.ML;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>Huge feature values: a clear error before anything overflows, never infinite weights.</summary>
[TestClass]
public sealed class MagnitudeTests
{
    [TestMethod]
    [DataRow(1e30f)]
    [DataRow(-1e25f)]
    [DataRow(3e19f)]
    public void FeaturesWhoseSquareOverflowAreAClearErrorNamingTheRow(float huge)
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(30, 3);
        x[12][1] = huge;
        var data = ToDataView(ml, x, y, 3);

        var automatic = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(data));
        AssertMessageContains(automatic, "Row 12", "slot 1", "'Features'", "too large", "normalize");
        var explicitRate = Assert.ThrowsExactly<ArgumentException>(() => Trainer(o => o with { LearningRate = 0.01f }).Fit(data));
        AssertMessageContains(explicitRate, "Row 12", "slot 1");
    }

    [TestMethod]
    public void ACoreDatasetRefusesARowWhoseSquareOverflows()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new DenseDataset([1, 2, 1e30f, 4], [1, 2], 2));
        AssertMessageContains(e, "Row 1", "slot 0", "too large", "normalize");
        var csr = Assert.ThrowsExactly<ArgumentException>(() => new CsrDataset([0, 1, 2], [0, 1], [1f, 3e19f], [1, 2], 2));
        AssertMessageContains(csr, "Row 1", "slot 1", "too large");
    }

    [TestMethod]
    public void CurvatureThatOverflowsIsAClearError()
    {
        // Every row's square fits in a float, but their sum over the sample does not.
        var features = Enumerable.Repeat(1e18f, 4000).ToArray();
        var dataset = new DenseDataset(features, new float[2000], 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => CurvatureEstimator.SuggestLearningRate(dataset, 256));
        AssertMessageContains(e, "too large", "2000 rows", "normalize");
        Assert.AreEqual("data", e.ParamName);
        var model = new LinearModel(2);
        Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentLoop(new GradientDescentSettings { StandardizeFeatures = false }).Run(dataset, model));
        Assert.IsTrue(model.IsFinite);

        // Standardized internally (the default), the same constant columns are absorbed by the bias and training is finite.
        new GradientDescentLoop(new GradientDescentSettings { NumberOfEpochs = 3 }).Run(dataset, model);
        Assert.IsTrue(model.IsFinite);
    }

    [TestMethod]
    public void TooLargeExplicitRateDivergesWithAClearErrorAndRestoresTheModel()
    {
        var dataset = Data.SyntheticRegression.Generate(200, 3, 5).ToDenseDataset();
        var model = new LinearModel([0.25f, 0.5f, 0.75f], 1f);
        var before = Bits(model.Parameters);
        var e = Assert.ThrowsExactly<TrainingDivergedException>(
            () => new GradientDescentLoop(new GradientDescentSettings { LearningRate = 1e6f, BatchSize = 200 }).Run(dataset, model));
        AssertMessageContains(e, "LearningRate", "epoch");
        CollectionAssert.AreEqual(before, Bits(model.Parameters));
    }

    [TestMethod]
    [DataRow(1f)]
    [DataRow(-1f)]
    public void LabelsSoLargeTheGradientOverflowsAreAClearErrorAndLeaveNoModel(float sign)
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(300, 3);
        // Largest |label| 1e38: finite, but a batch's sum of label × feature overflows single precision.
        float scale = sign * 1e38f / y.Max(Math.Abs);
        var data = ToDataView(ml, x, y.Select(v => v * scale).ToArray(), 3);
        var trainer = Trainer();
        var e = Assert.ThrowsExactly<TrainingDivergedException>(() => trainer.Fit(data));
        AssertMessageContains(e, "automatic LearningRate", "too large for single precision", "Scale the label");
        Assert.IsNull(trainer.LastHistory);
    }

    [TestMethod]
    public void LargeButRepresentableLabelsTrainFinite()
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(300, 3);
        var model = Trainer().Fit(ToDataView(ml, x, y.Select(v => v * 1e30f).ToArray(), 3)).Model;
        Assert.IsTrue(model.Weights.All(float.IsFinite) && float.IsFinite(model.Bias));
    }

    [TestMethod]
    public void LargeButRepresentableFeaturesTrainFinite()
    {
        // 1e15 features: curvature 1e30 fits in a float, the automatic rate (1e-30) too.
        var ml = new MLContext(1);
        var (x, y) = Linear(100, 2);
        var scaled = x.Select(r => r.Select(v => v * 1e15f).ToArray()).ToArray();
        var model = Trainer().Fit(ToDataView(ml, scaled, y, 2)).Model;
        Assert.IsTrue(model.Weights.All(float.IsFinite) && float.IsFinite(model.Bias));
    }
}
