using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>Empty data, zero-length vectors, one row, one feature, constant features.</summary>
[TestClass]
public sealed class EdgeShapeTests
{
    [TestMethod]
    public void EmptyDataViewIsAClearError()
    {
        var ml = new MLContext(1);
        var data = ToDataView(ml, [], [], 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(data));
        AssertMessageContains(e, "no rows");
        Assert.AreEqual("data", e.ParamName);
    }

    [TestMethod]
    public void EmptyDatasetIsAClearErrorInTheCore()
    {
        var data = new DenseDataset([], [], 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentLoop(new GradientDescentSettings()).Run(data, new LinearModel(2)));
        AssertMessageContains(e, "no rows");
        Assert.ThrowsExactly<ArgumentException>(() => CurvatureEstimator.Estimate(data));
        var rows = Assert.ThrowsExactly<ArgumentException>(() => DenseDataset.FromRows([], []));
        Assert.AreEqual("rows", rows.ParamName);
    }

    [TestMethod]
    public void ZeroLengthFeatureVectorIsAClearError()
    {
        // ML.NET has no known-size vector of length 0 (size 0 means variable length); the trainer says so.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Label = 1, Features = [] } });
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(data));
        AssertMessageContains(e, "'Features'", "variable length");
        Assert.AreEqual("FeatureColumnName", e.ParamName);

        var core = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DenseDataset([], [1f], 0));
        Assert.AreEqual("featureCount", core.ParamName);
        var fromRows = Assert.ThrowsExactly<ArgumentException>(() => DenseDataset.FromRows([[], []], [1, 2]));
        AssertMessageContains(fromRows, "no features");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LinearModel(0));
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(1, 4)]
    [DataRow(50, 1)]
    public void OneRowOrOneFeatureTrainsAFiniteModelThatFitsTheData(int rows, int featureCount)
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(rows, featureCount);
        var trainer = Trainer(o => o with { Tolerance = 0 });
        var model = trainer.Fit(ToDataView(ml, x, y, featureCount)).Model;

        Assert.IsTrue(model.Weights.All(float.IsFinite) && float.IsFinite(model.Bias));
        Assert.IsTrue(float.IsFinite(trainer.LastHistory!.LearningRate) && trainer.LastHistory.LearningRate > 0);
        // One row: interpolated exactly; one feature with noise 0.1: near the noise level.
        double limit = rows == 1 ? 1e-6 : 0.05;
        Assert.IsTrue(trainer.LastHistory.FinalCost < limit, trainer.LastHistory.ToString());
    }

    [TestMethod]
    [DataRow(1, 0f)]
    [DataRow(1, 7.5f)]
    [DataRow(64, 0f)]
    [DataRow(64, -3f)]
    [DataRow(64, 1000f)]
    public void ConstantFeaturesGiveAFiniteRateAndModel(int rows, float value)
    {
        const int d = 3;
        var features = Enumerable.Repeat(value, rows * d).ToArray();
        var labels = Enumerable.Range(0, rows).Select(i => 2f + (i % 3)).ToArray();
        var data = new DenseDataset(features, labels, d);

        var (lambda, trace) = CurvatureEstimator.Estimate(data);
        Assert.IsTrue(double.IsFinite(lambda) && lambda > 0 && double.IsFinite(trace), $"λ {lambda}, tr {trace}");
        float rate = CurvatureEstimator.SuggestLearningRate(data, 256);
        Assert.IsTrue(float.IsFinite(rate) && rate > 0, $"rate {rate}");

        var model = new LinearModel(d);
        var history = new GradientDescentLoop(new GradientDescentSettings { Tolerance = 0, NumberOfEpochs = 200 }).Run(data, model);
        Assert.IsTrue(model.IsFinite, string.Join(", ", model.Parameters));
        Assert.IsTrue(double.IsFinite(history.FinalCost));
        // The best constant predictor is the mean label; its cost is the label variance.
        double mean = labels.Average(l => (double)l);
        double variance = labels.Average(l => (l - mean) * (l - mean));
        Assert.AreEqual(variance, MseLoss.Cost(model, data), 1e-3 + 1e-3 * variance);
    }

    [TestMethod]
    public void ConstantFeaturesTrainThroughTheMlNetTrainer()
    {
        var ml = new MLContext(1);
        var x = Enumerable.Range(0, 20).Select(_ => new float[] { 1, 1 }).ToArray();
        var y = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var model = Trainer().Fit(ToDataView(ml, x, y, 2)).Model;
        Assert.IsTrue(model.Weights.All(float.IsFinite) && float.IsFinite(model.Bias));
        // w0 + w1 + b predicts the mean label 9.5.
        Assert.AreEqual(9.5, model.Weights[0] + model.Weights[1] + model.Bias, 1e-2);
    }
}
