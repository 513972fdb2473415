using MlNetGd.Comparison;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Comparison;

[TestClass]
public sealed class LeastSquaresReferenceTests
{
    [TestMethod]
    public void OneHotLevelsThatSumToTheInterceptGiveTheSameMseAsDroppingALevel()
    {
        // y = 3·x + effect(level) + noise, with all three levels one-hot encoded: [x, l0, l1, l2] has l0 + l1 + l2 = 1.
        var rng = new Random(4);
        int n = 300;
        var full = new float[n * 4];
        var reduced = new float[n * 3];
        var labels = new float[n];
        double[] effect = [5, -2, 7];
        for (int i = 0; i < n; i++)
        {
            float x = (float)rng.NextDouble();
            int level = i % 3;
            full[i * 4] = x;
            full[i * 4 + 1 + level] = 1;
            reduced[i * 3] = x;
            if (level > 0)
                reduced[i * 3 + level] = 1;
            labels[i] = (float)(3 * x + effect[level] + 0.1 * rng.NextDouble());
        }
        var fullData = new DenseDataset(full, labels, 4);
        var reducedData = new DenseDataset(reduced, (float[])labels.Clone(), 3);
        Assert.IsNull(LeastSquaresSolver.Solve(fullData).Weights, "the core solver refuses the dependent columns");
        var (weights, bias, reason, method) = LeastSquaresSolver.Optimum(fullData);
        Assert.IsNull(reason);
        Assert.IsNotNull(weights);
        StringAssert.Contains(method, "singular");
        var exact = LeastSquaresSolver.Solve(reducedData);
        double expected = LeastSquaresSolver.MeanSquaredError(reducedData, exact.Weights, exact.Bias);
        Assert.AreEqual(expected, LeastSquaresSolver.MeanSquaredError(fullData, weights, bias), 1e-7 * Math.Max(expected, 1e-12));
    }

    [TestMethod]
    public void MoreFeaturesThanTheNormalEquationsTakeAreSolvedIteratively()
    {
        int d = LeastSquaresSolver.MaxNormalEquationsFeatures + 1, n = 50;
        var rng = new Random(5);
        var features = Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (float)(i % 7)).ToArray();
        var (weights, bias, reason, method) = LeastSquaresSolver.Optimum(new DenseDataset(features, labels, d));
        Assert.IsNull(reason);
        StringAssert.StartsWith(method, "conjugate gradients");
        // More parameters than rows: the optimum fits every training row.
        Assert.AreEqual(0, LeastSquaresSolver.MeanSquaredError(new DenseDataset(features, labels, d), weights, bias), 1e-8);
    }
}
