using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Streaming;

/// <summary>Batches from a cache file: every epoch is a permutation of the rows in batches of B, fixed by the seed, the same
/// with or without the read-ahead thread.</summary>
[TestClass]
public sealed class CacheFileBatchSourceTests
{
    private string _directory = "";

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mlnetgd-cachesource-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private CacheFileReader Open(TrainingRows rows, int blockBytes = 4096)
    {
        string path = Path.Combine(_directory, $"rows-{Guid.NewGuid():N}.cache");
        var schema = CacheFileSchema.Create(rows.FeatureCount, rows.IsSparse, null);
        CacheFileTests.Write(path, rows, schema, blockBytes);
        return CacheFileReader.Open(path, schema);
    }

    /// <summary>Runs the epochs and returns, per epoch, the batches' labels (row ids); checks each row's features travel with it.</summary>
    private static List<List<float[]>> Epochs(CacheFileBatchSource source, TrainingRows rows, params int[] epochs)
    {
        var result = new List<List<float[]>>();
        var expected = new float[rows.FeatureCount];
        var actual = new float[rows.FeatureCount];
        foreach (int epoch in epochs)
        {
            var batches = new List<float[]>();
            source.BeginEpoch(epoch);
            while (source.TryGetBatch(out var batch))
            {
                for (int i = 0; i < batch.RowCount; i++)
                {
                    rows.Rows().CopyRow((int)batch.Labels[i], expected);
                    batch.CopyRow(i, actual);
                    CollectionAssert.AreEqual(expected, actual, $"row {batch.Labels[i]} keeps its features");
                }
                batches.Add(batch.Labels.ToArray());
            }
            source.EndEpoch(epoch);
            result.Add(batches);
        }
        return result;
    }

    private static void AssertSameBatches(List<List<float[]>> expected, List<List<float[]>> actual)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        for (int e = 0; e < expected.Count; e++)
        {
            Assert.AreEqual(expected[e].Count, actual[e].Count, $"epoch {e}: batch count");
            for (int b = 0; b < expected[e].Count; b++)
                CollectionAssert.AreEqual(expected[e][b], actual[e][b], $"epoch {e}, batch {b}");
        }
    }

    [TestMethod]
    [DataRow(1000, 6, 1, true, CacheFileShuffle.BlocksAndRows)]
    [DataRow(1000, 6, 37, true, CacheFileShuffle.BlocksAndRows)]
    [DataRow(1000, 6, 37, false, CacheFileShuffle.BlocksAndRows)]
    [DataRow(1000, 6, 256, true, CacheFileShuffle.BlocksAndRows)]
    [DataRow(1000, 6, 2000, true, CacheFileShuffle.BlocksAndRows)]
    [DataRow(5000, 200, 64, true, CacheFileShuffle.BlocksAndRows)]
    [DataRow(1000, 6, 1, true, CacheFileShuffle.BlocksAndBatches)]
    [DataRow(1000, 6, 37, true, CacheFileShuffle.BlocksAndBatches)]
    [DataRow(1000, 6, 37, false, CacheFileShuffle.BlocksAndBatches)]
    [DataRow(1000, 6, 256, true, CacheFileShuffle.BlocksAndBatches)]
    [DataRow(1000, 6, 2000, true, CacheFileShuffle.BlocksAndBatches)]
    [DataRow(5000, 200, 64, true, CacheFileShuffle.BlocksAndBatches)]
    public void EveryEpochIsAPermutationInEqualBatches(int n, int d, int batchSize, bool sparse, CacheFileShuffle shuffle)
    {
        TrainingRows rows = sparse ? CacheFileTests.SparseRows(n, d, seed: 1) : CacheFileTests.DenseRows(n, d, seed: 1);
        using var reader = Open(rows);
        Assert.IsTrue(reader.BlockCount > 2, "several blocks");
        using var source = new CacheFileBatchSource(reader, batchSize, shuffle, seed: 7);
        var epochs = Epochs(source, rows, 0, 1, 2);
        int k = (n + batchSize - 1) / batchSize;
        Assert.AreEqual(k, source.BatchCount);
        Assert.AreEqual(n / k, source.SmallestBatch);
        foreach (var batches in epochs)
        {
            Assert.AreEqual(k, batches.Count, "ceil(n / B) batches");
            for (int b = 0; b < batches.Count; b++)
                Assert.AreEqual((b + 1) * n / k - b * n / k, batches[b].Length, $"batch {b} has the cached loop's size");
            CollectionAssert.AreEquivalent(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), batches.SelectMany(x => x).ToArray());
        }
        var order0 = epochs[0].SelectMany(x => x).ToArray();
        var order1 = epochs[1].SelectMany(x => x).ToArray();
        CollectionAssert.AreNotEqual(order0, order1, "each epoch has its own order");
        CollectionAssert.AreNotEqual(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), order0, "the rows are shuffled");
    }

    [TestMethod]
    [DataRow(false, CacheFileShuffle.BlocksAndRows)]
    [DataRow(true, CacheFileShuffle.BlocksAndRows)]
    [DataRow(false, CacheFileShuffle.BlocksAndBatches)]
    [DataRow(true, CacheFileShuffle.BlocksAndBatches)]
    public void TheSameSeedGivesTheSameBatchesWithOrWithoutReadAhead(bool sparse, CacheFileShuffle shuffle)
    {
        TrainingRows rows = sparse ? CacheFileTests.SparseRows(3000, 30, seed: 2) : CacheFileTests.DenseRows(3000, 5, seed: 2);
        using var reader = Open(rows);
        List<List<float[]>> Run(int seed, bool readAhead, bool memoryMap = true)
        {
            using var source = new CacheFileBatchSource(reader, batchSize: 100, shuffle, seed, readAhead, memoryMap: memoryMap);
            return Epochs(source, rows, 0, 1, 5);
        }
        var first = Run(3, readAhead: true);
        AssertSameBatches(first, Run(3, readAhead: true));
        AssertSameBatches(first, Run(3, readAhead: false));
        AssertSameBatches(first, Run(3, readAhead: true, memoryMap: false));
        AssertSameBatches(first, Run(3, readAhead: false, memoryMap: false));
        CollectionAssert.AreNotEqual(first[0][0], Run(4, readAhead: true)[0][0], "another seed, another order");
    }

    [TestMethod]
    public void RowsStayInsideTheirBlockAndBlocksMoveWhole()
    {
        var rows = CacheFileTests.DenseRows(30 * 128, 7, seed: 3); // 4096-byte blocks of 128 rows of 8 floats: 30 full blocks
        using var reader = Open(rows);
        int perBlock = reader.BlockRowCount(0);
        Assert.AreEqual(128, perBlock);
        using var source = new CacheFileBatchSource(reader, batchSize: perBlock, CacheFileShuffle.BlocksAndRows, seed: 1);
        var batches = Epochs(source, rows, 0)[0];
        var blockOrder = new List<int>();
        foreach (var batch in batches)
        {
            int block = (int)batch[0] / perBlock;
            Assert.IsTrue(batch.All(label => (int)label / perBlock == block), "a batch of one block's size holds exactly one block");
            CollectionAssert.AreNotEqual(batch.OrderBy(x => x).ToArray(), batch, "rows are shuffled inside the block");
            blockOrder.Add(block);
        }
        CollectionAssert.AreNotEqual(Enumerable.Range(0, reader.BlockCount).ToArray(), blockOrder.ToArray(), "blocks are shuffled");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void WithoutShufflingTheFileOrderIsKept(bool sparse)
    {
        TrainingRows rows = sparse ? CacheFileTests.SparseRows(2500, 40, seed: 4) : CacheFileTests.DenseRows(2500, 9, seed: 4);
        using var reader = Open(rows);
        using var source = new CacheFileBatchSource(reader, batchSize: 64, CacheFileShuffle.None, seed: 1);
        foreach (var batches in Epochs(source, rows, 0, 1))
            CollectionAssert.AreEqual(Enumerable.Range(0, 2500).Select(i => (float)i).ToArray(), batches.SelectMany(x => x).ToArray());
    }

    [TestMethod]
    public void EachBlockIsReadWholeFromARandomRow()
    {
        var rows = CacheFileTests.DenseRows(30 * 128, 7, seed: 3); // 30 blocks of 128 rows
        using var reader = Open(rows);
        using var source = new CacheFileBatchSource(reader, batchSize: 50, CacheFileShuffle.BlocksAndBatches, seed: 1);
        var entries = new List<int[]>();
        foreach (var batches in Epochs(source, rows, 0, 1))
        {
            var sequence = batches.SelectMany(b => b).Select(x => (int)x).ToArray();
            var rotations = new int[30];
            var blocks = new HashSet<int>();
            for (int c = 0; c < 30; c++)
            {
                var chunk = sequence.AsSpan(c * 128, 128);
                int block = chunk[0] / 128, entry = chunk[0] % 128;
                for (int i = 0; i < 128; i++)
                    Assert.AreEqual(block * 128 + (entry + i) % 128, chunk[i], "a block is read from its entry row to its end, then from its start");
                blocks.Add(block);
                rotations[c] = entry;
            }
            Assert.AreEqual(30, blocks.Count, "every block once");
            entries.Add(rotations);
        }
        Assert.IsTrue(entries[0].Count(e => e != 0) > 20, "blocks are entered at random rows");
        CollectionAssert.AreNotEqual(entries[0], entries[1], "the entry rows change every epoch");
    }

    [TestMethod]
    [DataRow(false, 37)]
    [DataRow(true, 100)]
    [DataRow(false, 5000)]
    public void WithoutShufflingTheBatchesAreTheCachedLoops(bool sparse, int batchSize)
    {
        TrainingRows rows = sparse ? CacheFileTests.SparseRows(2999, 40, seed: 8) : CacheFileTests.DenseRows(2999, 6, seed: 8);
        using var reader = Open(rows);
        using var source = new CacheFileBatchSource(reader, batchSize, CacheFileShuffle.None, seed: 1);
        var cached = new CachedBatches(rows, batchSize, shuffle: false, seed: 1);
        Assert.AreEqual(cached.BatchCount, source.BatchCount);
        Assert.AreEqual(cached.SmallestBatch, source.SmallestBatch);
        var expected = new List<float[]>();
        cached.BeginEpoch(1);
        while (cached.TryGetBatch(out var batch))
            expected.Add(batch.Labels.ToArray());
        cached.EndEpoch(1);
        AssertSameBatches([expected], Epochs(source, rows, 1));
    }

    [TestMethod]
    public void AWriterRowShuffleMixesRowsInsideEachBlock()
    {
        var rows = CacheFileTests.DenseRows(10 * 128, 7, seed: 3);
        string path = Path.Combine(_directory, "shuffled.cache");
        var schema = CacheFileSchema.Create(7, false, null);
        using (var writer = CacheFileWriter.Create(path, schema, blockBytes: 4096, rowShuffleSeed: 5))
        {
            writer.Append(rows.Rows());
            writer.Commit();
        }
        using var reader = CacheFileReader.Open(path, schema);
        using var source = new CacheFileBatchSource(reader, batchSize: 128, CacheFileShuffle.None, seed: 1);
        var blocks = Epochs(source, rows, 0)[0]; // checks that every row keeps its features
        for (int k = 0; k < blocks.Count; k++)
        {
            CollectionAssert.AreEquivalent(Enumerable.Range(k * 128, 128).Select(i => (float)i).ToArray(), blocks[k], $"block {k} holds its rows");
            CollectionAssert.AreNotEqual(Enumerable.Range(k * 128, 128).Select(i => (float)i).ToArray(), blocks[k], $"block {k} is shuffled");
        }
    }

    [TestMethod]
    public void AnEpochStoppedEarlyLeavesTheNextOneWhole()
    {
        var rows = CacheFileTests.DenseRows(3000, 4, seed: 5);
        using var reader = Open(rows);
        using var source = new CacheFileBatchSource(reader, batchSize: 50, CacheFileShuffle.BlocksAndRows, seed: 2);
        source.BeginEpoch(0);
        Assert.IsTrue(source.TryGetBatch(out _));
        source.EndEpoch(0);
        using var fresh = new CacheFileBatchSource(reader, batchSize: 50, CacheFileShuffle.BlocksAndRows, seed: 2);
        AssertSameBatches(Epochs(fresh, rows, 1), Epochs(source, rows, 1));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ACorruptedBlockFailsTheBatchThatWouldReadIt(bool memoryMap)
    {
        var rows = CacheFileTests.DenseRows(3000, 6, seed: 6);
        string path = Path.Combine(_directory, "corrupt.cache");
        var schema = CacheFileSchema.Create(6, false, null);
        CacheFileTests.Write(path, rows, schema);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        using var reader = CacheFileReader.Open(path, schema);
        using var source = new CacheFileBatchSource(reader, batchSize: 32, CacheFileShuffle.BlocksAndBatches, seed: 1, memoryMap: memoryMap);
        source.BeginEpoch(0);
        var error = Assert.ThrowsExactly<CacheFileException>(() =>
        {
            while (source.TryGetBatch(out _))
            {
            }
        });
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "does not match its checksum");
    }

    [TestMethod]
    [DataRow(CacheFileShuffle.BlocksAndRows, true)]
    [DataRow(CacheFileShuffle.BlocksAndBatches, true)]
    [DataRow(CacheFileShuffle.BlocksAndBatches, false)]
    public void AnEpochAllocatesNothing(CacheFileShuffle shuffle, bool memoryMap)
    {
        var rows = CacheFileTests.SparseRows(20_000, 100, seed: 7);
        using var reader = Open(rows, blockBytes: 16_384);
        using var source = new CacheFileBatchSource(reader, batchSize: 100, shuffle, seed: 1, memoryMap: memoryMap);
        Epochs(source, rows, 0); // first epoch: buffers reach their size, blocks are verified
        // The quietest of three epochs: blocking on the read-ahead thread now and then costs the runtime a few hundred bytes on the
        // calling thread (seen once in CI runs); an allocation per batch (200 an epoch) would show in every epoch.
        var allocations = new List<long>();
        for (int epoch = 1; epoch <= 3 && (allocations.Count == 0 || allocations.Min() >= 1024); epoch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long count = 0;
            source.BeginEpoch(epoch);
            while (source.TryGetBatch(out var batch))
                count += batch.RowCount;
            source.EndEpoch(epoch);
            allocations.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.AreEqual(20_000, count);
        }
        Assert.IsTrue(allocations.Min() < 1024, $"every epoch allocated on the calling thread: {string.Join(", ", allocations)} bytes");
    }

    [TestMethod]
    [DataRow(CacheFileShuffle.BlocksAndBatches, false)]
    [DataRow(CacheFileShuffle.BlocksAndRows, false)]
    [DataRow(CacheFileShuffle.BlocksAndBatches, true)]
    public void TheOneTrainingLoopFitsALineFromTheCacheFile(CacheFileShuffle shuffle, bool sparse)
    {
        // y = w·x + b without noise: the loop must find w and b, the same bits with or without the read-ahead thread.
        int n = 6000, d = 5;
        float[] w = [1.5f, -2f, 0.5f, 3f, -1f];
        const float b = 0.25f;
        var random = new SplitMix64(11, stream: 2);
        var features = new float[n * d];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
                features[i * d + j] = random.NextInt(3) == 0 ? 0f : (float)(random.NextDouble() * 2 - 1);
            labels[i] = b + (float)Enumerable.Range(0, d).Sum(j => (double)w[j] * features[i * d + j]);
        }
        TrainingRows rows = new DenseDataset(features, labels, d);
        if (sparse)
            rows = CsrDataset.FromDense((DenseDataset)rows);
        string path = Path.Combine(_directory, "line.cache");
        var schema = CacheFileSchema.Create(d, sparse, null);
        using (var writer = CacheFileWriter.Create(path, schema, blockBytes: 8192, rowShuffleSeed: 3))
        {
            writer.Append(rows.Rows());
            writer.Commit();
        }
        using var reader = CacheFileReader.Open(path, schema);
        LinearModel Fit(bool readAhead)
        {
            var settings = new GradientDescentSettings { NumberOfEpochs = 40, Seed = 1, BatchSize = 64 };
            var model = new LinearModel(d);
            var session = TrainingSession.Start(settings, rows, n, smallestBatch: 64, model);
            using var source = new CacheFileBatchSource(reader, 64, shuffle, seed: 1, readAhead);
            GradientDescentLoop.Run(session, source);
            return model;
        }
        var fitted = Fit(readAhead: true);
        for (int j = 0; j < d; j++)
            Assert.AreEqual(w[j], fitted.Weights[j], 1e-2, $"weight {j}");
        Assert.AreEqual(b, fitted.Bias, 1e-2, "bias");
        var again = Fit(readAhead: false);
        CollectionAssert.AreEqual(fitted.Parameters, again.Parameters, "the same bits without the read-ahead thread");
    }
}
