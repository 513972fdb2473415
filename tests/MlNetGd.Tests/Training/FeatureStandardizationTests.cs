using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>The internal standardization: the maps between raw and standardized parameters, and the chain-rule gradient.</summary>
[TestClass]
public sealed class FeatureStandardizationTests
{
    private static DenseDataset Data() =>
        SyntheticRegression.Generate(200, 3, seed: 4, featureScales: [0.01f, 1f, 100f]).ToDenseDataset();

    [TestMethod]
    public void RawAndStandardizedModelsPredictTheSame()
    {
        var data = Data();
        var standardization = FeatureStandardization.Compute(data, data.RowCount);
        float[] theta = [0.7f, -1.2f, 2.5f, 3f];
        var raw = new float[4];
        standardization.ToRaw(theta, raw);
        var model = new LinearModel(raw.AsSpan(0, 3), raw[3]);
        for (int i = 0; i < 20; i++)
        {
            var x = data.Row(i);
            double z = theta[3];
            for (int j = 0; j < 3; j++)
                z += theta[j] * (x[j] - standardization.Mean[j]) * standardization.InverseScale[j];
            Assert.AreEqual(z, model.Predict(x), 1e-4 * Math.Max(1, Math.Abs(z)), $"row {i}");
        }

        var back = new float[4];
        standardization.FromRaw(raw, back);
        CollectionAssert.AreEqual(theta, back, new RelativeComparer(1e-5f));
    }

    [TestMethod]
    public void MappedGradientEqualsTheGradientOnStandardizedRows()
    {
        var data = Data();
        var standardization = FeatureStandardization.Compute(data, data.RowCount);
        float[] theta = [0.3f, 0.1f, -0.4f, 1f];
        var raw = new float[4];
        standardization.ToRaw(theta, raw);

        var rawGradient = new float[4];
        MseLoss.Gradient(raw, data.Features, data.Labels, rawGradient);
        var mapped = new float[4];
        standardization.GradientToStandardized(rawGradient, mapped);

        var z = new float[data.Features.Length];
        for (int i = 0; i < data.RowCount; i++)
            for (int j = 0; j < 3; j++)
                z[i * 3 + j] = (float)((data.Features[i * 3 + j] - standardization.Mean[j]) * standardization.InverseScale[j]);
        var direct = new float[4];
        MseLoss.Gradient(theta, z, data.Labels, direct);
        CollectionAssert.AreEqual(direct, mapped, new RelativeComparer(1e-3f));
    }

    [TestMethod]
    public void ConstantFeatureIsFrozenAndAbsorbedByTheBias()
    {
        var data = DenseDataset.FromRows([[5f, 1f], [5f, 2f], [5f, 3f]], [1f, 2f, 3f]);
        var standardization = FeatureStandardization.Compute(data, 3);
        Assert.AreEqual(0.0, standardization.InverseScale[0]);
        var theta = new float[3];
        standardization.FromRaw([2f, 1f, 0.5f], theta);
        var raw = new float[3];
        standardization.ToRaw(theta, raw);
        Assert.AreEqual(0f, raw[0]);
        Assert.AreEqual(2f * 5f + 0.5f, raw[2], 1e-5f, "the constant contribution moves into the bias");
        var gradient = new float[3];
        standardization.GradientToStandardized([3f, 1f, 2f], gradient);
        Assert.AreEqual(0f, gradient[0]);
    }

    private sealed class RelativeComparer(float tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y)
        {
            float a = (float)x!, b = (float)y!;
            return Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a)) ? 0 : 1;
        }
    }
}
