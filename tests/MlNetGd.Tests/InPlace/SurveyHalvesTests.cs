using MlNetGd.Tests.Streaming;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.InPlace;

/// <summary>A dense survey read in two halves at once (<see cref="Survey.Take(IRowPass, bool, bool, CancellationToken, IRowPass?)"/>,
/// rows read in place): the same survey bit for bit as one pass, and a failure is the first in the rows' order.</summary>
[TestClass]
public sealed class SurveyHalvesTests
{
    /// <summary>Rows of a dataset as a pass that fails at one row when it is read (not when it is skipped, as a cursor would), or
    /// reports another number of rows than it has.</summary>
    private sealed class FailingPass(TrainingRows rows, long failAt = -1, long reported = -1) : IRowPass
    {
        private readonly TrainingRowsPass _rows = new(rows, rows.RowCount);
        private long _next;

        public long RowCount => reported >= 0 ? reported : rows.RowCount;

        public int FeatureCount => rows.FeatureCount;

        public int Restarts { get; private set; }

        public void Restart()
        {
            _rows.Restart();
            _next = 0;
            Restarts++;
        }

        public bool Skip()
        {
            _next++;
            return _rows.Skip();
        }

        public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
        {
            if (_next++ == failAt)
                throw new ArgumentException($"Row {failAt}: bad value.");
            return _rows.Next(out label, out indices, out values);
        }
    }

    [TestMethod]
    [DataRow(20_000, 8)]
    [DataRow(50_001, 3)]
    public void TwoHalvesGiveTheSameSurveyAsOnePass(int n, int d)
    {
        var rows = CacheFileTests.DenseRows(n, d, seed: 5);
        var second = new FailingPass(rows);
        var one = Survey.Take(new FailingPass(rows), sparse: false, standardize: true);
        var two = Survey.Take(new FailingPass(rows), sparse: false, standardize: true, second: second);
        Assert.AreEqual(Environment.ProcessorCount > 1 ? 1 : 0, second.Restarts, "the second half read by the second pass");
        Assert.IsTrue(one.Sample.RowCount >= Survey.MinSplitSampleRows);
        var a = one.Sample.Rows();
        var b = two.Sample.Rows();
        CollectionAssert.AreEqual(a.Labels.ToArray(), b.Labels.ToArray());
        CollectionAssert.AreEqual(a.DenseFeatures.ToArray(), b.DenseFeatures.ToArray());
        Assert.AreEqual(one.LargestRowNorm, two.LargestRowNorm);
        Assert.AreEqual(one.RowCount, two.RowCount);
        var x = new float[d + 1];
        var (rawA, rawB) = (new float[d + 1], new float[d + 1]);
        x.AsSpan().Fill(1);
        one.Standardization!.ToRaw(x, rawA);
        two.Standardization!.ToRaw(x, rawB);
        CollectionAssert.AreEqual(rawA, rawB);
    }

    [TestMethod]
    public void TheFirstFailureInTheRowsOrderIsReported()
    {
        var rows = CacheFileTests.DenseRows(20_000, 4, seed: 6);
        int m = Survey.SampleRowCount(rows.RowCount, rows.FeatureCount, sparse: false);
        long early = EvenSample.Row(10, m, rows.RowCount), late = EvenSample.Row(m - 10, m, rows.RowCount);
        // Both halves fail: the first half's row is reported, whichever thread fails first.
        var both = Assert.ThrowsExactly<ArgumentException>(() =>
            Survey.Take(new FailingPass(rows, failAt: early), false, true, second: new FailingPass(rows, failAt: late)));
        StringAssert.Contains(both.Message, $"Row {early}:");
        var second = Assert.ThrowsExactly<ArgumentException>(() =>
            Survey.Take(new FailingPass(rows), false, true, second: new FailingPass(rows, failAt: late)));
        StringAssert.Contains(second.Message, $"Row {late}:");

        var shorter = Assert.ThrowsExactly<InvalidOperationException>(() =>
            Survey.Take(new FailingPass(rows, reported: 20_100), false, true, second: new FailingPass(rows, reported: 20_100)));
        StringAssert.Contains(shorter.Message, "20100");
        var longer = Assert.ThrowsExactly<InvalidOperationException>(() =>
            Survey.Take(new FailingPass(rows, reported: 19_000), false, true, second: new FailingPass(rows, reported: 19_000)));
        StringAssert.Contains(longer.Message, "more");
    }
}
