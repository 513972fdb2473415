using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.InPlace;

/// <summary>The order test that decides whether rows can be trained on in place: quiet on rows in random order, loud on sorted or
/// drifting ones.</summary>
[TestClass]
public sealed class RowOrderTests
{
    [TestMethod]
    public void RowsInRandomOrderAreNotOrdered()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var data = SyntheticRegression.Generate(16384, 40, seed, noise: 0.5f);
            var rows = new DenseDataset(data.Features, data.Labels, 40);
            var (statistic, f) = RowOrder.MostOrdered(rows, rows.RowCount);
            Assert.IsTrue(f < RowOrder.Threshold, $"seed {seed}: {statistic} F = {f:G3}");
        }
        var oneHot = CsrDataset.FromDense(Sparse.SparseData.OneHot(16384, [50, 400, 3000], 1.1, seed: 1));
        Assert.IsFalse(RowOrder.IsOrdered(oneHot, oneHot.RowCount), RowOrder.MostOrdered(oneHot, oneHot.RowCount).ToString());
    }

    [TestMethod]
    public void SortedOrDriftingRowsAreOrdered()
    {
        var data = SyntheticRegression.Generate(16384, 8, seed: 1, noise: 0.5f);
        int n = data.RowCount, d = 8;
        DenseDataset Reordered(Func<int, double> key)
        {
            var order = Enumerable.Range(0, n).OrderBy(key).ToArray();
            var x = new float[n * d];
            var y = new float[n];
            for (int k = 0; k < n; k++)
            {
                data.Features.AsSpan(order[k] * d, d).CopyTo(x.AsSpan(k * d));
                y[k] = data.Labels[order[k]];
            }
            return new DenseDataset(x, y, d);
        }
        var byLabel = Reordered(i => data.Labels[i]);
        Assert.AreEqual("the label", RowOrder.MostOrdered(byLabel, n).Statistic);
        Assert.IsTrue(RowOrder.IsOrdered(byLabel, n));
        Assert.IsTrue(RowOrder.IsOrdered(Reordered(i => data.Features[i * d + 5]), n), "sorted by a feature");

        // A feature whose mean drifts by 0.3 standard deviations from the first row to the last.
        var drifting = new DenseDataset(data.Features.ToArray(), data.Labels, d);
        double sd = Math.Sqrt(Enumerable.Range(0, n).Select(i => Math.Pow(data.Features[i * d + 3], 2)).Average());
        for (int i = 0; i < n; i++)
            drifting.Features[i * d + 3] += (float)(0.3 * sd * i / n);
        Assert.AreEqual("feature 3", RowOrder.MostOrdered(drifting, n).Statistic);
        Assert.IsTrue(RowOrder.IsOrdered(drifting, n));

        Assert.IsTrue(RowOrder.IsOrdered(byLabel, RowOrder.MinimumRows - 1), "too few rows to tell counts as ordered");
    }
}
