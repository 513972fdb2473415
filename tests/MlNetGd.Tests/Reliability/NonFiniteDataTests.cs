using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>NaN and ±Infinity in the data: an error naming row and column, or skipped and counted when asked.</summary>
[TestClass]
public sealed class NonFiniteDataTests
{
    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    [DataRow(float.NegativeInfinity)]
    public void NonFiniteFeatureIsAnErrorNamingRowSlotAndColumn(float bad)
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(10, 3);
        x[7][2] = bad;
        var data = ToDataView(ml, x, y, 3);

        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(data));
        AssertMessageContains(e, "Row 7", "slot 2", "'Features'", bad.ToString());
    }

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    [DataRow(float.NegativeInfinity)]
    public void NonFiniteLabelIsAnErrorNamingRowAndColumn(float bad)
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(10, 3);
        y[3] = bad;
        var data = ToDataView(ml, x, y, 3);

        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(data));
        AssertMessageContains(e, "Row 3", "'Label'", bad.ToString());
    }

    private sealed class NamedRow
    {
        public float Label { get; set; }

        public float Rooms { get; set; }

        public float Area { get; set; }
    }

    [TestMethod]
    public void NonFiniteFeatureErrorUsesTheSlotName()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 6).Select(i => new NamedRow { Label = i, Rooms = i, Area = i == 4 ? float.NaN : 10 * i }).ToArray();
        var data = ml.Transforms.Concatenate("Features", nameof(NamedRow.Rooms), nameof(NamedRow.Area))
            .Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));

        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer().Fit(data));
        AssertMessageContains(e, "Row 4", "'Area' (slot 1)", "'Features'");
    }

    [TestMethod]
    public void DenseDatasetNamesTheRowAndColumnOfANonFiniteValue()
    {
        float[] features = [1, 2, 3, 4, 5, float.NaN];
        var e = Assert.ThrowsExactly<ArgumentException>(() => new DenseDataset(features, [1, 2, 3], 2));
        AssertMessageContains(e, "Row 2", "feature slot 1 of column 'Features' is NaN");
        Assert.AreEqual("data", e.ParamName);

        var l = Assert.ThrowsExactly<ArgumentException>(() => new DenseDataset([1, 2, 3], [0, float.PositiveInfinity, 0], 1));
        AssertMessageContains(l, "Row 1", "the label column 'Label' is");
        Assert.AreEqual("data", l.ParamName);
    }

    [TestMethod]
    public void SkipNonFiniteRowsCountsThemAndTrainsOnTheRest()
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(40, 3);
        var clean = ToDataView(ml, x, y, 3);
        var dirtyX = x.Select(r => (float[])r.Clone()).ToList();
        var dirtyY = y.ToList();
        // Three bad rows inserted among the clean ones (order of the clean rows kept).
        dirtyX.Insert(5, [1, float.NaN, 2]); dirtyY.Insert(5, 1);
        dirtyX.Insert(17, [1, 2, 3]); dirtyY.Insert(17, float.NegativeInfinity);
        dirtyX.Insert(30, [float.PositiveInfinity, 0, 0]); dirtyY.Insert(30, float.NaN);
        var dirty = ToDataView(ml, dirtyX.ToArray(), dirtyY.ToArray(), 3);

        var skipping = Trainer(o => o with { SkipNonFiniteRows = true });
        var fromDirty = skipping.Fit(dirty).Model;
        var reference = Trainer();
        var fromClean = reference.Fit(clean).Model;

        Assert.AreEqual(3L, skipping.LastHistory!.SkippedRowCount);
        Assert.AreEqual(0L, reference.LastHistory!.SkippedRowCount);
        Assert.Contains("3 non-finite rows skipped", skipping.LastHistory.ToString());
        CollectionAssert.AreEqual(Bits(fromClean.Weights.ToArray()), Bits(fromDirty.Weights.ToArray()));
        Assert.AreEqual(fromClean.Bias, fromDirty.Bias);
    }

    [TestMethod]
    public void SkipNonFiniteRowsWithNothingLeftIsAClearError()
    {
        var ml = new MLContext(1);
        var data = ToDataView(ml, [[float.NaN], [1]], [1, float.PositiveInfinity], 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer(o => o with { SkipNonFiniteRows = true }).Fit(data));
        AssertMessageContains(e, "2 rows", "'Label'", "'Features'");
    }

    [TestMethod]
    public void DataViewReaderReportsTheSkippedCount()
    {
        var ml = new MLContext(1);
        var data = ToDataView(ml, [[1, 2], [float.NaN, 0], [3, 4]], [1, 2, 3], 2);
        var dataset = DataViewReader.Read(data, "Label", "Features", skipNonFiniteRows: true, out long skipped);
        Assert.AreEqual(1L, skipped);
        Assert.AreEqual(2, dataset.RowCount);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4 }, dataset.Features);
        CollectionAssert.AreEqual(new float[] { 1, 3 }, dataset.Labels);
    }
}
