using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Comparison;

namespace MlNetGd.Tests.Comparison;

[TestClass]
public sealed class RegressionScoresTests
{
    [TestMethod]
    public void RegressionScoresAgreeWithMlNetsEvaluateOnTheSameScores()
    {
        var ml = new MLContext(1);
        var data = ComparisonData.Linear(ml, 500);
        var model = ml.Transforms.NormalizeMeanVariance("Features", "Raw")
            .Append(ml.Regression.Trainers.OnlineGradientDescent()).Fit(data);   // a model far from exact, so the metrics are not trivial
        var scored = model.Transform(data);
        var expected = ml.Regression.Evaluate(scored);
        float[] labels = scored.GetColumn<float>("Label").ToArray();
        double[] scores = scored.GetColumn<float>("Score").Select(s => (double)s).ToArray();

        var (rmse, mae, r2) = RegressionScores.Compute(labels, scores);

        Assert.AreEqual(expected.RootMeanSquaredError, rmse, 1e-9 * expected.RootMeanSquaredError);
        Assert.AreEqual(expected.MeanAbsoluteError, mae, 1e-9 * expected.MeanAbsoluteError);
        Assert.AreEqual(expected.RSquared, r2, 1e-9);
        Assert.IsTrue(r2 is > 0.1 and < 0.999, $"R² {r2}");
    }
}
