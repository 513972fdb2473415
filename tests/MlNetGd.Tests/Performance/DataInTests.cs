using Microsoft.ML;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Performance;

/// <summary>The faster ways in: the prefetching row shuffle, the single-pass reader, and the curvature estimate on a contiguous copy of its sample.</summary>
[TestClass]
public sealed class DataInTests
{
    [TestMethod]
    [DataRow(1, 1, 0)]
    [DataRow(2, 3, 7)]
    [DataRow(17, 1, 1)]
    [DataRow(1000, 64, 42)]
    [DataRow(4097, 300, -3)]
    public void PrefetchingShuffleEqualsPlainFisherYatesBitForBit(int rows, int d, int seed)
    {
        var rng = new SplitMix64(seed + 100);
        var features = Enumerable.Range(0, rows * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, rows).Select(i => (float)i).ToArray();
        var data = new DenseDataset((float[])features.Clone(), (float[])labels.Clone(), d);

        data.ShuffleRows(seed);

        // The reference: Fisher-Yates over row indices with the same draws, then a gather.
        var order = Enumerable.Range(0, rows).ToArray();
        var draws = new SplitMix64(seed, stream: ulong.MaxValue);
        for (int i = rows - 1; i > 0; i--)
        {
            int j = draws.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var expectedFeatures = order.SelectMany(r => features.Skip(r * d).Take(d)).ToArray();
        var expectedLabels = order.Select(r => labels[r]).ToArray();
        CollectionAssert.AreEqual(expectedFeatures, data.Features);
        CollectionAssert.AreEqual(expectedLabels, data.Labels);
    }

    [TestMethod]
    public void ReadingStillRejectsANonFiniteLabelByRow()
    {
        var ml = new MLContext(0);
        var rows = Enumerable.Range(0, 50).Select(i => new Row { Label = i == 37 ? float.NaN : i, Features = [i, 1f] }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows);

        var e = Assert.ThrowsExactly<ArgumentException>(() => DataViewReader.Read(view, "Label", "Features"));
        StringAssert.StartsWith(e.Message, "Row 37: the label column 'Label' is NaN");
    }

    [TestMethod]
    public void ReadingStillRejectsANonFiniteFeatureByRowAndSlot()
    {
        var ml = new MLContext(0);
        var rows = Enumerable.Range(0, 20).Select(i => new Row { Label = i, Features = [i, i == 12 ? float.PositiveInfinity : 1f] }).ToArray();

        var e = Assert.ThrowsExactly<ArgumentException>(() => DataViewReader.Read(ml.Data.LoadFromEnumerable(rows), "Label", "Features"));
        StringAssert.StartsWith(e.Message, "Row 12: feature slot 1 of column 'Features' is Infinity");
    }

    [TestMethod]
    public void CurvatureFromTheContiguousSampleMatchesTheExactHessian()
    {
        // 20,000 rows: the estimator samples 16,384 evenly spaced rows; compare with λmax of H over the same rows, in double.
        var data = SyntheticRegression.Generate(20_000, 6, seed: 8, featureScales: [1, 2, 3, 0.5f, 1, 4]).ToDenseDataset();
        var (lambda, trace) = CurvatureEstimator.Estimate(data);

        int m = CurvatureEstimator.MaxSampleRows, d = 6;
        var h = new double[d + 1, d + 1];
        for (int k = 0; k < m; k++)
        {
            var x = data.Row((int)((long)k * data.RowCount / m)).ToArray().Select(v => (double)v).Append(1.0).ToArray();
            for (int a = 0; a <= d; a++)
                for (int b = 0; b <= d; b++)
                    h[a, b] += 2.0 * x[a] * x[b] / m;
        }
        var v = Enumerable.Repeat(1.0, d + 1).ToArray();
        double expected = 0;
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            var hv = Enumerable.Range(0, d + 1).Select(a => Enumerable.Range(0, d + 1).Sum(b => h[a, b] * v[b])).ToArray();
            double norm = Math.Sqrt(hv.Sum(t => t * t));
            expected = Enumerable.Range(0, d + 1).Sum(a => v[a] * hv[a]) / v.Sum(t => t * t);
            v = hv.Select(t => t / norm).ToArray();
        }
        double expectedTrace = Enumerable.Range(0, d + 1).Sum(a => h[a, a]);

        Assert.AreEqual(expected, lambda, 1e-3 * expected);
        Assert.AreEqual(expectedTrace, trace, 1e-4 * expectedTrace);
    }

    private sealed class Row
    {
        public float Label { get; set; }

        [Microsoft.ML.Data.VectorType(2)]
        public float[] Features { get; set; } = [];
    }
}
