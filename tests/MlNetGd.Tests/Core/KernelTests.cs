using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Core;

/// <summary>Each kernel against a plain scalar loop written here, for every length 0..64, and the gradient against finite differences.</summary>
[TestClass]
public sealed class KernelTests
{
    private static float[] Random(int length, int seed, float scale = 1f)
    {
        var rng = new SplitMix64(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>The reference: residuals, cost and gradient by the textbook formulas, in double.</summary>
    private static (double Cost, double[] Gradient) ScalarReference(float[] parameters, float[] features, float[] labels)
    {
        int d = parameters.Length - 1;
        int rows = labels.Length;
        var gradient = new double[d + 1];
        double cost = 0;
        for (int i = 0; i < rows; i++)
        {
            double prediction = parameters[d];
            for (int j = 0; j < d; j++)
                prediction += (double)parameters[j] * features[i * d + j];
            double r = prediction - labels[i];
            cost += r * r;
            for (int j = 0; j < d; j++)
                gradient[j] += 2 * r * features[i * d + j];
            gradient[d] += 2 * r;
        }
        if (rows > 0)
        {
            cost /= rows;
            for (int j = 0; j <= d; j++)
                gradient[j] /= rows;
        }
        return (cost, gradient);
    }

    [TestMethod]
    public void GradientAndCostMatchScalarLoopForEveryFeatureCount()
    {
        for (int d = 1; d <= 64; d++)
        {
            const int rows = 7;
            float[] parameters = Random(d + 1, d), features = Random(rows * d, 100 + d), labels = Random(rows, 200 + d, 3f);
            var gradient = new float[d + 1];

            double cost = MseLoss.Gradient(parameters, features, labels, gradient);
            var (expectedCost, expectedGradient) = ScalarReference(parameters, features, labels);

            Assert.AreEqual(expectedCost, cost, 1e-5 * Math.Max(1, expectedCost), $"cost, d = {d}");
            Assert.AreEqual(expectedCost, MseLoss.Cost(parameters, features, labels), 1e-5 * Math.Max(1, expectedCost), $"Cost, d = {d}");
            for (int j = 0; j <= d; j++)
                Assert.AreEqual(expectedGradient[j], gradient[j], 1e-4, $"gradient[{j}], d = {d}");
        }
    }

    [TestMethod]
    public void GradientMatchesScalarLoopForEveryBatchLengthIncludingEmpty()
    {
        const int d = 5;
        for (int rows = 0; rows <= 64; rows++)
        {
            float[] parameters = Random(d + 1, rows), features = Random(rows * d, 300 + rows), labels = Random(rows, 400 + rows);
            var gradient = Random(d + 1, 7); // stale contents must be overwritten

            double cost = MseLoss.Gradient(parameters, features, labels, gradient);
            var (expectedCost, expectedGradient) = ScalarReference(parameters, features, labels);

            Assert.AreEqual(expectedCost, cost, 1e-5, $"rows = {rows}");
            for (int j = 0; j <= d; j++)
                Assert.AreEqual(expectedGradient[j], gradient[j], 1e-4, $"gradient[{j}], rows = {rows}");
        }
    }

    [TestMethod]
    public void SgdStepAndPredictMatchScalarLoopForEveryLength()
    {
        for (int length = 0; length <= 64; length++)
        {
            float[] parameters = Random(length, length), gradient = Random(length, 500 + length);
            var expected = parameters.Select((p, i) => p - 0.05f * gradient[i]).ToArray();
            new Sgd(0.05f).Step(parameters, gradient);
            for (int i = 0; i < length; i++)
                Assert.AreEqual(expected[i], parameters[i], 1e-6f, $"length {length}, index {i}");

            if (length == 0)
                continue;
            var model = new LinearModel(Random(length, 600 + length), 0.25f);
            float[] x = Random(length, 700 + length);
            double prediction = 0.25;
            for (int j = 0; j < length; j++)
                prediction += (double)model.Weights[j] * x[j];
            Assert.AreEqual(prediction, model.Predict(x), 1e-5, $"Predict, length {length}");
        }
    }

    [TestMethod]
    public void GradientMatchesCentralFiniteDifferences()
    {
        const int d = 4, rows = 9;
        float[] parameters = Random(d + 1, 1), features = Random(rows * d, 2), labels = Random(rows, 3, 2f);
        var gradient = new float[d + 1];
        MseLoss.Gradient(parameters, features, labels, gradient);

        for (int j = 0; j <= d; j++)
        {
            // The cost in double at θ ± h along coordinate j: the reference uses the float parameters exactly.
            const double h = 1e-3;
            double Cost(double delta)
            {
                var shifted = parameters.Select(p => (double)p).ToArray();
                shifted[j] += delta;
                double sum = 0;
                for (int i = 0; i < rows; i++)
                {
                    double prediction = shifted[d];
                    for (int k = 0; k < d; k++)
                        prediction += shifted[k] * features[i * d + k];
                    sum += (prediction - labels[i]) * (prediction - labels[i]);
                }
                return sum / rows;
            }
            double numeric = (Cost(h) - Cost(-h)) / (2 * h);
            Assert.AreEqual(numeric, gradient[j], 1e-4, $"parameter {j}");
        }
    }

    [TestMethod]
    public void KernelsRejectMismatchedLengths()
    {
        var gradient = new float[3];
        var ex = Assert.ThrowsExactly<ArgumentException>(() => MseLoss.Gradient(new float[3], new float[5], new float[2], gradient));
        Assert.AreEqual("features", ex.ParamName);
        ex = Assert.ThrowsExactly<ArgumentException>(() => MseLoss.Gradient(new float[3], new float[4], new float[2], new float[2]));
        Assert.AreEqual("gradient", ex.ParamName);
        ex = Assert.ThrowsExactly<ArgumentException>(() => new Sgd(0.1f).Step(new float[3], new float[2]));
        Assert.AreEqual("gradient", ex.ParamName);
    }
}
