using MlNetGd.Tests.Streaming;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.InPlace;

/// <summary>Batches from one sequential pass per epoch (<see cref="PassBatches"/>): the cached loop's batches without shuffling,
/// blocks shuffled in place with it, the same batches with or without reading ahead, and failures of the pass reaching the caller.</summary>
[TestClass]
public sealed class PassBatchesTests
{
    /// <summary>Rows of a <see cref="TrainingRows"/> served one at a time, as a cursor would; optionally failing at a row or short.</summary>
    private sealed class RowsPass(TrainingRows rows, int failAt = -1, int reported = -1) : IRowPass
    {
        private readonly float[] _dense = new float[rows.FeatureCount];
        private int _next;

        public long RowCount => reported >= 0 ? reported : rows.RowCount;

        public int FeatureCount => rows.FeatureCount;

        public int Restarts { get; private set; }

        public bool Skip() => Next(out _, out _, out _);

        public void Restart()
        {
            _next = 0;
            Restarts++;
        }

        public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
        {
            label = 0;
            indices = default;
            values = default;
            if (_next == rows.RowCount)
                return false;
            if (_next == failAt)
                throw new ArgumentException($"Row {_next}: bad value.");
            var block = rows.Rows(_next, 1);
            label = block.Labels[0];
            if (block.IsSparse)
            {
                indices = block.Indices[block.RowStarts[0]..block.RowEnds[0]];
                values = block.Values[block.RowStarts[0]..block.RowEnds[0]];
            }
            else
            {
                block.DenseFeatures.CopyTo(_dense);
                values = _dense;
            }
            _next++;
            return true;
        }
    }

    // A row's identity: its label (the generated labels are distinct) and a checksum of its features.
    private static List<List<(float Label, double Sum)>> Epochs(PassBatches source, int epochs)
    {
        var result = new List<List<(float, double)>>();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var batches = new List<(float, double)>();
            source.BeginEpoch(epoch);
            while (source.TryGetBatch(out var batch))
            {
                for (int i = 0; i < batch.RowCount; i++)
                {
                    double sum = 0;
                    if (batch.IsSparse)
                        for (int k = batch.RowStarts[i]; k < batch.RowEnds[i]; k++)
                            sum += batch.Values[k] * (batch.Indices[k] + 1);
                    else
                        for (int j = 0; j < batch.FeatureCount; j++)
                            sum += batch.DenseFeatures[i * batch.FeatureCount + j] * (j + 1);
                    batches.Add((batch.Labels[i], sum));
                }
                batches.Add((float.NaN, batch.RowCount)); // the batch boundary
            }
            source.EndEpoch(epoch);
            result.Add(batches);
        }
        return result;
    }

    private static TrainingRows Rows(bool sparse) => sparse ? CacheFileTests.SparseRows(2999, 40, seed: 8) : CacheFileTests.DenseRows(2999, 6, seed: 8);

    [TestMethod]
    [DataRow(false, 37)]
    [DataRow(true, 100)]
    [DataRow(false, 5000)]
    public void WithoutShufflingTheBatchesAreTheCachedLoops(bool sparse, int batchSize)
    {
        var rows = Rows(sparse);
        // 20 kB a row: blocks of about a hundred rows, so a pass is read in many blocks.
        using var source = new PassBatches(new RowsPass(rows), rows.FeatureCount, sparse, 20_000, batchSize, shuffle: false, seed: 1);
        var cached = new CachedBatches(rows, batchSize, shuffle: false, seed: 1);
        Assert.AreEqual(cached.BatchCount, source.BatchCount);
        Assert.AreEqual(cached.SmallestBatch, source.SmallestBatch);
        using var copy = new PassBatches(new CopyOf(cached), rows.FeatureCount, sparse, 20_000, batchSize, shuffle: false, seed: 1);
        CollectionAssert.AreEqual(Epochs(copy, 1)[0], Epochs(source, 1)[0]);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ShufflingMixesRowsInsideEachBlockOnlyAndAnewEveryEpoch(bool sparse)
    {
        var rows = Rows(sparse);
        using var source = new PassBatches(new RowsPass(rows), rows.FeatureCount, sparse, 20_000, batchSize: 16, shuffle: true, seed: 3);
        using var inOrder = new PassBatches(new RowsPass(rows), rows.FeatureCount, sparse, 20_000, batchSize: 16, shuffle: false, seed: 3);
        Assert.IsTrue(source.BlockCount > 10, $"{source.BlockCount} blocks");
        var epochs = Epochs(source, 2);
        var reference = Epochs(inOrder, 1)[0];
        CollectionAssert.AreNotEqual(epochs[0], reference, "the rows are shuffled");
        CollectionAssert.AreNotEqual(epochs[0], epochs[1], "anew every epoch");
        foreach (var epoch in epochs)
        {
            // Same batch boundaries, and each block holds the same rows as in order (a permutation of them).
            Assert.AreEqual(reference.Count, epoch.Count);
            var boundaries = Enumerable.Range(0, reference.Count).Where(i => float.IsNaN(reference[i].Label)).ToList();
            CollectionAssert.AreEqual(boundaries, Enumerable.Range(0, epoch.Count).Where(i => float.IsNaN(epoch[i].Label)).ToList());
            int batchesPerBlock = source.BatchCount / source.BlockCount + (source.BatchCount % source.BlockCount == 0 ? 0 : 1);
            int start = 0;
            for (int b = 0; b < boundaries.Count; b += batchesPerBlock)
            {
                int end = boundaries[Math.Min(b + batchesPerBlock, boundaries.Count) - 1] + 1;
                CollectionAssert.AreEquivalent(reference.GetRange(start, end - start), epoch.GetRange(start, end - start), $"block at {start}");
                start = end;
            }
        }
    }

    [TestMethod]
    public void ReadingAheadGivesTheSameBatches()
    {
        var rows = Rows(sparse: true);
        using var ahead = new PassBatches(new RowsPass(rows), rows.FeatureCount, true, 20_000, 32, shuffle: true, seed: 9, readAhead: true);
        using var inline = new PassBatches(new RowsPass(rows), rows.FeatureCount, true, 20_000, 32, shuffle: true, seed: 9, readAhead: false);
        var expected = Epochs(inline, 3);
        var actual = Epochs(ahead, 3);
        for (int e = 0; e < 3; e++)
            CollectionAssert.AreEqual(expected[e], actual[e], $"epoch {e + 1}");
    }

    [TestMethod]
    [DataRow(false, true)]
    [DataRow(true, true)]
    [DataRow(false, false)]
    public void TwoReadersGiveTheSameBatches(bool sparse, bool shuffle)
    {
        var rows = Rows(sparse);
        var second = new RowsPass(rows);
        using var two = new PassBatches(new RowsPass(rows), rows.FeatureCount, sparse, 20_000, 32, shuffle, seed: 9, secondPass: second);
        using var inline = new PassBatches(new RowsPass(rows), rows.FeatureCount, sparse, 20_000, 32, shuffle, seed: 9, readAhead: false);
        Assert.AreEqual(Math.Min(Environment.ProcessorCount, PassBatches.MaxReaders), two.ReaderCount);
        Assert.IsTrue(two.BlockCount > 10, $"{two.BlockCount} blocks");
        var expected = Epochs(inline, 3);
        var actual = Epochs(two, 3);
        for (int e = 0; e < 3; e++)
            CollectionAssert.AreEqual(expected[e], actual[e], $"epoch {e + 1}");
        Assert.AreEqual(two.ReaderCount > 1 ? 3 : 0, second.Restarts, "the second pass restarted every epoch when it reads");
    }

    [TestMethod]
    public void WithTwoReadersTheFirstFailureInPassOrderReachesTheCaller()
    {
        var rows = Rows(sparse: false);
        // Both passes fail at row 2500; the reader of the odd blocks meets it while skipping, later in the epoch than the other.
        using var failing = new PassBatches(new RowsPass(rows, failAt: 2500), rows.FeatureCount, false, 20_000, 32, shuffle: true, seed: 1,
            secondPass: new RowsPass(rows, failAt: 2500));
        failing.BeginEpoch(1);
        int rowsBefore = 0;
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
        {
            while (failing.TryGetBatch(out var batch))
                rowsBefore += batch.RowCount;
        });
        StringAssert.Contains(error.Message, "Row 2500");
        Assert.IsTrue(rowsBefore <= 2500 && rowsBefore > 2500 - 200, $"{rowsBefore} rows served before the failure");
        failing.EndEpoch(1);

        using var shorter = new PassBatches(new RowsPass(rows, reported: 2000), rows.FeatureCount, false, 20_000, 32, shuffle: false, seed: 1,
            secondPass: new RowsPass(rows, reported: 2000));
        shorter.BeginEpoch(1);
        var longPass = Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            while (shorter.TryGetBatch(out _))
            {
            }
        });
        StringAssert.Contains(longPass.Message, "more");
    }

    [TestMethod]
    public void AFailureOfThePassReachesTheCallerAndAShortPassIsAnError()
    {
        var rows = Rows(sparse: false);
        using var failing = new PassBatches(new RowsPass(rows, failAt: 2500), rows.FeatureCount, false, 20_000, 32, shuffle: true, seed: 1);
        failing.BeginEpoch(1);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
        {
            while (failing.TryGetBatch(out _))
            {
            }
        });
        StringAssert.Contains(error.Message, "Row 2500");
        failing.EndEpoch(1);

        using var longer = new PassBatches(new RowsPass(rows, reported: 3100), rows.FeatureCount, false, 20_000, 32, shuffle: false, seed: 1);
        longer.BeginEpoch(1);
        var shortPass = Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            while (longer.TryGetBatch(out _))
            {
            }
        });
        StringAssert.Contains(shortPass.Message, "3100");

        using var shorter = new PassBatches(new RowsPass(rows, reported: 2000), rows.FeatureCount, false, 20_000, 32, shuffle: false, seed: 1);
        shorter.BeginEpoch(1);
        var longPass = Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            while (shorter.TryGetBatch(out _))
            {
            }
        });
        StringAssert.Contains(longPass.Message, "more");
    }

    /// <summary>The rows of the cached loop's batches, in its order, as a pass.</summary>
    private sealed class CopyOf : IRowPass
    {
        private readonly List<(float Label, int[] Indices, float[] Values)> _rows = [];
        private int _next;

        public CopyOf(CachedBatches cached)
        {
            FeatureCount = cached.FeatureCount;
            cached.BeginEpoch(1);
            while (cached.TryGetBatch(out var batch))
            {
                for (int i = 0; i < batch.RowCount; i++)
                    _rows.Add(batch.IsSparse
                        ? (batch.Labels[i], batch.Indices[batch.RowStarts[i]..batch.RowEnds[i]].ToArray(), batch.Values[batch.RowStarts[i]..batch.RowEnds[i]].ToArray())
                        : (batch.Labels[i], [], batch.DenseFeatures.Slice(i * batch.FeatureCount, batch.FeatureCount).ToArray()));
            }
            cached.EndEpoch(1);
        }

        public long RowCount => _rows.Count;

        public int FeatureCount { get; }

        public void Restart() => _next = 0;

        public bool Skip() => Next(out _, out _, out _);

        public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
        {
            label = 0;
            indices = default;
            values = default;
            if (_next == _rows.Count)
                return false;
            var row = _rows[_next++];
            label = row.Label;
            indices = row.Indices;
            values = row.Values;
            return true;
        }
    }
}
