using MlNetGd.Tests.Performance;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>The held-out rows (<see cref="HoldOut"/>): which positions, when a default fit holds rows out, and how each way of reading
/// rows passes over them.</summary>
[TestClass]
public sealed class HoldOutTests
{
    [TestMethod]
    public void EveryTenthRowFromTheFirstIsHeldOut()
    {
        var holdOut = HoldOut.Of(0.1);
        var held = Enumerable.Range(0, 10_000).Where(i => holdOut.IsHeldOut(i)).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Select(k => 10 * k).ToArray(), held);
        foreach (long n in new long[] { 1, 9, 10, 11, 10_000, 123_457 })
            Assert.AreEqual((n + 9) / 10, holdOut.HeldOutCount(n), $"n = {n}");
        Assert.IsFalse(HoldOut.None.IsActive);
        Assert.IsFalse(HoldOut.None.IsHeldOut(0));
        Assert.AreEqual(0, HoldOut.Of(0).HeldOutCount(100));
    }

    [TestMethod]
    [DataRow(0.25)]
    [DataRow(0.3)]
    [DataRow(0.016384)]
    [DataRow(0.5)]
    public void AFractionHoldsOutEvenlySpacedRowsAndCountsThem(double fraction)
    {
        var holdOut = HoldOut.Of(fraction);
        const int n = 50_000;
        int counted = 0, longestGap = 0, gap = 0;
        for (int i = 0; i < n; i++)
        {
            if (holdOut.IsHeldOut(i))
            {
                counted++;
                longestGap = Math.Max(longestGap, gap);
                gap = 0;
            }
            else
            {
                gap++;
            }
            Assert.AreEqual(counted, holdOut.HeldOutCount(i + 1));
        }
        Assert.AreEqual(fraction * n, counted, 1.0 + n * 1e-6);
        Assert.IsTrue(longestGap <= Math.Ceiling(1 / fraction), $"rows are evenly spaced (longest gap {longestGap})");
    }

    [TestMethod]
    public void ADefaultFitHoldsOutOnlyWideDataAndCountsUsedColumns()
    {
        var defaults = new GradientDescentSettings();
        // 20,000 rows over 30,000 columns of which about 15,500 are used: wide, so 10% held out.
        var wide = SparseThreadCountTests.Rows(20_000, 30_000, 1, seed: 1);
        Assert.AreEqual(0.1, HoldOut.Decide(defaults, new TrainingRowsPass(wide, wide.RowCount), sparse: true).Fraction, 1e-6);
        // 20,000 rows over at most 5,000 columns: narrow, every row kept; spread over 2^20 slots (a hashed column), the same: an
        // empty slot is no parameter.
        var narrow = SparseThreadCountTests.Rows(20_000, 5_000, 3, seed: 1);
        Assert.IsFalse(HoldOut.Decide(defaults, new TrainingRowsPass(narrow, narrow.RowCount), sparse: true).IsActive);
        RowBlock block = narrow.Rows();
        var spread = new CsrDataset(block.RowStarts.ToArray().Append(block.RowEnds[^1]).ToArray(), block.Indices.ToArray().Select(j => j * 200).ToArray(),
            block.Values.ToArray(), narrow.Labels, 1 << 20);
        Assert.IsTrue(HoldOut.IsWide(spread.RowCount, spread.FeatureCount), "wide by slots");
        Assert.IsFalse(HoldOut.Decide(defaults, new TrainingRowsPass(spread, spread.RowCount), sparse: true).IsActive, "narrow by the columns used");
        // Up to 16,384 rows are held out of a large wide source; fewer than 100 is too few to judge by.
        var large = SparseThreadCountTests.Rows(400_000, 1 << 20, 1, seed: 2);
        Assert.AreEqual(16_384, HoldOut.Decide(defaults, new TrainingRowsPass(large, large.RowCount), sparse: true).HeldOutCount(large.RowCount), 1);
        var small = SparseThreadCountTests.Rows(900, 5_000, 2, seed: 2);
        Assert.IsFalse(HoldOut.Decide(defaults, new TrainingRowsPass(small, small.RowCount), sparse: true).IsActive);
        // A fraction given is used whatever the shape; 0 holds none out.
        Assert.AreEqual(0.2, HoldOut.Decide(defaults with { ValidationFraction = 0.2 }, new TrainingRowsPass(narrow, narrow.RowCount), true).Fraction, 1e-6);
        Assert.IsFalse(HoldOut.Decide(defaults with { ValidationFraction = 0 }, new TrainingRowsPass(wide, wide.RowCount), true).IsActive);
    }

    [TestMethod]
    public void SplitKeepsTheRowsAndOrdersTheTrainingRowsAsTheShuffleWould()
    {
        var rows = SparseThreadCountTests.Rows(1000, 50, 3, seed: 4);
        var holdOut = HoldOut.Of(0.1);
        var (training, heldOut) = rows.Split(holdOut, shuffleSeed: null);
        Assert.AreEqual(900, training.RowCount);
        Assert.AreEqual(100, heldOut.RowCount);
        CollectionAssert.AreEqual(Enumerable.Range(0, 100).Select(k => rows.Labels[10 * k]).ToArray(), heldOut.Labels);
        CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Where(i => i % 10 != 0).Select(i => rows.Labels[i]).ToArray(), training.Labels);

        var (shuffled, _) = rows.Split(holdOut, shuffleSeed: 7);
        var expected = (CsrDataset)training.Gather(Enumerable.Range(0, 900).ToArray());
        expected.ShuffleRows(7);
        CollectionAssert.AreEqual(expected.Labels, shuffled.Labels, "the training rows shuffled as ShuffleRows shuffles them");
    }

    [TestMethod]
    public void APassOverRowsReadInPlaceCopiesTheHeldOutRowsOnceAndSkipsThemAfter()
    {
        var rows = SparseThreadCountTests.Rows(1000, 50, 3, seed: 5);
        var counting = new CountingPass(new TrainingRowsPass(rows, rows.RowCount));
        var pass = new HoldOutPass(counting, HoldOut.Of(0.1), sparse: true, density: 0.06);
        Assert.AreEqual(900, pass.RowCount);
        for (int round = 0; round < 3; round++)
        {
            pass.Restart();
            var labels = new List<float>();
            while (pass.Next(out float label, out _, out _))
                labels.Add(label);
            CollectionAssert.AreEqual(Enumerable.Range(0, 1000).Where(i => i % 10 != 0).Select(i => rows.Labels[i]).ToArray(), labels.ToArray());
            Assert.IsNotNull(pass.HeldOut);
            CollectionAssert.AreEqual(Enumerable.Range(0, 100).Select(k => rows.Labels[10 * k]).ToArray(), pass.HeldOut.Labels);
        }
        Assert.AreEqual(1000 + 2 * 900, counting.Read, "the held-out rows are read in the first pass only");
    }

    [TestMethod]
    public void ASourceWithMoreRowsThanItReportedShowsThemThroughTheHoldOut()
    {
        var rows = SparseThreadCountTests.Rows(101, 50, 3, seed: 6);
        var reportingFewer = new HoldOutPass(new ReportedCount(new TrainingRowsPass(rows, 101), 100), HoldOut.Of(0.1), true, 0.06);
        Assert.AreEqual(90, reportingFewer.RowCount);
        reportingFewer.Restart();
        int returned = 0;
        while (reportingFewer.Next(out _, out _, out _))
            returned++;
        Assert.AreEqual(91, returned, "row 100 (a held-out position) comes through as one more row than reported");
    }

    private sealed class CountingPass(IRowPass inner) : IRowPass
    {
        public int Read { get; private set; }

        public long RowCount => inner.RowCount;

        public int FeatureCount => inner.FeatureCount;

        public void Restart() => inner.Restart();

        public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
        {
            bool more = inner.Next(out label, out indices, out values);
            Read += more ? 1 : 0;
            return more;
        }

        public bool Skip() => inner.Skip();
    }

    private sealed class ReportedCount(IRowPass inner, long reported) : IRowPass
    {
        public long RowCount => reported;

        public int FeatureCount => inner.FeatureCount;

        public void Restart() => inner.Restart();

        public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values) => inner.Next(out label, out indices, out values);

        public bool Skip() => inner.Skip();
    }
}
