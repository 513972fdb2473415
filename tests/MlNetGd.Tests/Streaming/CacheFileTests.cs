using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Streaming;

/// <summary>The cache file: bit-exact round trips, every kind of unusable file rejected with a message naming it, atomic writes.</summary>
[TestClass]
public sealed class CacheFileTests
{
    private string _directory = "";

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mlnetgd-cachefile-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string FilePath(string name = "rows.cache") => Path.Combine(_directory, name);

    /// <summary>Dense rows with awkward values (signed zeros, subnormals, large magnitudes a row's squared norm can still hold); the
    /// label of row i is i.</summary>
    internal static DenseDataset DenseRows(int n, int d, int seed)
    {
        var random = new SplitMix64(seed, stream: 3);
        float[] special = [0f, -0f, float.Epsilon, -float.Epsilon, 1e17f, -1e17f, 1e-40f, 1f / 3];
        var features = new float[n * d];
        for (int k = 0; k < features.Length; k++)
            features[k] = random.NextInt(10) == 0 ? special[random.NextInt(special.Length)] : (float)(random.NextDouble() * 8 - 4);
        var labels = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        return new DenseDataset(features, labels, d);
    }

    /// <summary>CSR rows of 0 to 12 nonzeros (some rows empty, one much longer than a block); the label of row i is i.</summary>
    internal static CsrDataset SparseRows(int n, int d, int seed, int longRow = -1)
    {
        var random = new SplitMix64(seed, stream: 4);
        var starts = new int[n + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int i = 0; i < n; i++)
        {
            int count = i == longRow ? d : random.NextInt(13);
            var columns = new SortedSet<int>();
            while (columns.Count < Math.Min(count, d))
                columns.Add(random.NextInt(d));
            foreach (int column in columns)
            {
                indices.Add(column);
                values.Add(random.NextInt(5) == 0 ? -0f : (float)(random.NextDouble() * 2 - 1));
            }
            starts[i + 1] = indices.Count;
        }
        return new CsrDataset(starts, [.. indices], [.. values], Enumerable.Range(0, n).Select(i => (float)i).ToArray(), d);
    }

    private static CacheFileSchema SchemaOf(TrainingRows rows, string[]? slots = null) =>
        CacheFileSchema.Create(rows.FeatureCount, rows.IsSparse, slots);

    internal static void Write(string path, TrainingRows rows, CacheFileSchema schema, int blockBytes = 4096)
    {
        using var writer = CacheFileWriter.Create(path, schema, blockBytes);
        // In pieces of varying size, as a streamed pass would hand them over.
        for (int start = 0, piece = 1; start < rows.RowCount; start += piece, piece = piece * 3 % 1000 + 1)
            writer.Append(rows.Rows(start, Math.Min(piece, rows.RowCount - start)));
        writer.Commit();
    }

    private static void AssertBitsEqual(RowBlock expected, RowBlock actual, string what)
    {
        Assert.AreEqual(expected.IsSparse, actual.IsSparse, what);
        Assert.AreEqual(expected.RowCount, actual.RowCount, what);
        var a = new float[expected.FeatureCount];
        var b = new float[expected.FeatureCount];
        for (int i = 0; i < expected.RowCount; i++)
        {
            Assert.AreEqual(BitConverter.SingleToInt32Bits(expected.Labels[i]), BitConverter.SingleToInt32Bits(actual.Labels[i]), $"{what}: label {i}");
            if (expected.IsSparse)
            {
                var (e0, e1, a0, a1) = (expected.RowStarts[i], expected.RowEnds[i], actual.RowStarts[i], actual.RowEnds[i]);
                CollectionAssert.AreEqual(expected.Indices[e0..e1].ToArray(), actual.Indices[a0..a1].ToArray(), $"{what}: indices of row {i}");
                CollectionAssert.AreEqual(Bits(expected.Values[e0..e1]), Bits(actual.Values[a0..a1]), $"{what}: values of row {i}");
            }
            else
            {
                expected.CopyRow(i, a);
                actual.CopyRow(i, b);
                CollectionAssert.AreEqual(Bits(a), Bits(b), $"{what}: row {i}");
            }
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    private static CollectedRows ReadAll(CacheFileReader reader)
    {
        var copy = new CollectedRows(reader.Schema);
        for (int k = 0; k < reader.BlockCount; k++)
            copy.Add(reader.ReadBlock(k));
        return copy;
    }

    /// <summary>Reads every block with positioned reads into one buffer instead of the map.</summary>
    private static CollectedRows ReadAllBuffered(CacheFileReader reader)
    {
        var copy = new CollectedRows(reader.Schema);
        var buffer = new byte[reader.MaxBlockBytes];
        for (int k = 0; k < reader.BlockCount; k++)
            copy.Add(reader.ReadBlock(k, buffer));
        return copy;
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(1000, 7)]
    [DataRow(3001, 64)]
    public void DenseRowsRoundTripBitExact(int n, int d)
    {
        var rows = DenseRows(n, d, seed: n);
        var schema = SchemaOf(rows, Enumerable.Range(0, d).Select(j => $"f{j}").ToArray());
        Write(FilePath(), rows, schema);
        using var reader = CacheFileReader.Open(FilePath(), schema);
        Assert.AreEqual(n, reader.RowCount);
        Assert.IsTrue(n < 100 || reader.BlockCount > 1, "small blocks: the rows span several");
        AssertBitsEqual(rows.Rows(), ReadAll(reader).Dataset().Rows(), "dense");
        AssertBitsEqual(rows.Rows(), ReadAllBuffered(reader).Dataset().Rows(), "dense, read into a buffer");
    }

    [TestMethod]
    [DataRow(1, 5)]
    [DataRow(2000, 50)]
    [DataRow(5000, 3000)]
    public void SparseRowsRoundTripBitExact(int n, int d)
    {
        var rows = SparseRows(n, d, seed: n, longRow: n / 2);
        var schema = SchemaOf(rows);
        Write(FilePath(), rows, schema);
        using var reader = CacheFileReader.Open(FilePath(), schema);
        Assert.AreEqual(n, reader.RowCount);
        AssertBitsEqual(rows.Rows(), ReadAll(reader).Dataset().Rows(), "CSR");
        AssertBitsEqual(rows.Rows(), ReadAllBuffered(reader).Dataset().Rows(), "CSR, read into a buffer");
    }

    [TestMethod]
    public void RowsConvertBetweenStorages()
    {
        var dense = DenseRows(300, 9, seed: 2);
        var sparse = CsrDataset.FromDense(dense);
        Write(FilePath("dense-as-csr"), dense, SchemaOf(sparse));
        Write(FilePath("csr-as-dense"), sparse, SchemaOf(dense));
        using (var reader = CacheFileReader.Open(FilePath("dense-as-csr"), SchemaOf(sparse)))
            AssertBitsEqual(sparse.Rows(), ReadAll(reader).Dataset().Rows(), "dense rows stored as CSR");
        using (var reader = CacheFileReader.Open(FilePath("csr-as-dense"), SchemaOf(dense)))
        {
            var back = ReadAll(reader).Dataset();
            var expected = new float[9];
            var actual = new float[9];
            for (int i = 0; i < dense.RowCount; i++)
            {
                dense.Rows().CopyRow(i, expected);
                back.Rows().CopyRow(i, actual);
                // -0 is a zero: it is not kept as a nonzero, so it comes back as +0.
                CollectionAssert.AreEqual(expected.Select(v => v == 0 ? 0f : v).ToArray(), actual, $"row {i}");
            }
        }
    }

    [TestMethod]
    public void InvalidRowsAreRejectedByTheWriter()
    {
        using var writer = CacheFileWriter.Create(FilePath(), CacheFileSchema.Create(3, isSparse: true, null));
        writer.AppendSparse([0, 2], [1f, 2f], 1f);
        var error = Assert.ThrowsExactly<ArgumentException>(() => writer.AppendSparse([3], [1f], 1f));
        StringAssert.Contains(error.Message, "Row 1: the feature column 'Features' has a value at slot 3; its slots are 0 to 2");
        Assert.ThrowsExactly<ArgumentException>(() => writer.AppendDense([1f, float.NaN, 0f], 1f));
        Assert.ThrowsExactly<ArgumentException>(() => writer.AppendDense([1f, 0f, 0f], float.PositiveInfinity));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => writer.AppendDense([3e19f, 0f, 0f], 1f)).Message, "too large");
    }

    private CacheFileException OpenFails(string path, CacheFileSchema schema, string reason)
    {
        var error = Assert.ThrowsExactly<CacheFileException>(() => CacheFileReader.Open(path, schema).Dispose());
        StringAssert.Contains(error.Message, Path.GetFullPath(path), "the message names the file");
        StringAssert.Contains(error.Message, reason);
        return error;
    }

    [TestMethod]
    public void AFlippedByteInABlockFailsItsChecksumBeforeAnyRowIsRead()
    {
        var rows = DenseRows(2000, 8, seed: 5);
        var schema = SchemaOf(rows);
        Write(FilePath(), rows, schema);
        byte[] bytes = File.ReadAllBytes(FilePath());
        bytes[5000] ^= 0x10; // inside block 0 or 1 (blocks are ~4 KB)
        File.WriteAllBytes(FilePath(), bytes);
        using var reader = CacheFileReader.Open(FilePath(), schema);
        var error = Assert.ThrowsExactly<CacheFileException>(() =>
        {
            for (int k = 0; k < reader.BlockCount; k++)
                reader.ReadBlock(k);
        });
        StringAssert.Contains(error.Message, FilePath());
        StringAssert.Contains(error.Message, "does not match its checksum");
        StringAssert.Contains(error.Message, "block 1 of");
        // Every time, not only the first, and through a buffer too.
        Assert.ThrowsExactly<CacheFileException>(() => reader.ReadBlock(1));
        Assert.ThrowsExactly<CacheFileException>(() => reader.ReadBlock(1, new byte[reader.MaxBlockBytes]));
        Assert.ThrowsExactly<ArgumentException>(() => reader.ReadBlock(0, new byte[16]));
    }

    [TestMethod]
    public void AFlippedByteInTheHeaderOrIndexIsRejectedAtOpen()
    {
        var rows = SparseRows(1500, 40, seed: 6);
        var schema = SchemaOf(rows);
        Write(FilePath(), rows, schema);
        byte[] good = File.ReadAllBytes(FilePath());
        byte[] header = (byte[])good.Clone();
        header[33] ^= 1; // the row count
        File.WriteAllBytes(FilePath(), header);
        OpenFails(FilePath(), schema, "corrupted header");
        byte[] index = (byte[])good.Clone();
        index[^20] ^= 1; // an entry of the block index
        File.WriteAllBytes(FilePath(), index);
        OpenFails(FilePath(), schema, "block index does not match its checksum");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(100)]
    [DataRow(5000)]
    public void ATruncatedFileIsRejected(int cut)
    {
        var rows = DenseRows(2000, 8, seed: 7);
        var schema = SchemaOf(rows);
        Write(FilePath(), rows, schema);
        byte[] bytes = File.ReadAllBytes(FilePath());
        File.WriteAllBytes(FilePath(), bytes[..^cut]);
        OpenFails(FilePath(), schema, "is truncated");
        File.WriteAllBytes(FilePath(), bytes[..40]);
        OpenFails(FilePath(), schema, "fewer than the 64-byte header");
        File.WriteAllBytes(FilePath(), [.. bytes, 0]);
        OpenFails(FilePath(), schema, "1 bytes more than its header describes");
    }

    [TestMethod]
    public void ForeignFilesAreRejected()
    {
        var schema = CacheFileSchema.Create(4, isSparse: false, null);
        var random = new Random(1);
        byte[] noise = new byte[100_000];
        random.NextBytes(noise);
        File.WriteAllBytes(FilePath("noise.bin"), noise);
        OpenFails(FilePath("noise.bin"), schema, "is not an MlNetGd cache file");
        File.WriteAllText(FilePath("houses.csv"), "Area,Rooms,Age,Price\n" + string.Concat(Enumerable.Repeat("120.5,3,20,250000\n", 50)));
        OpenFails(FilePath("houses.csv"), schema, "is not an MlNetGd cache file");
        File.WriteAllBytes(FilePath("empty.bin"), []);
        OpenFails(FilePath("empty.bin"), schema, "0 bytes");
        Assert.ThrowsExactly<FileNotFoundException>(() => CacheFileReader.Open(FilePath("missing.bin"), schema));
    }

    [TestMethod]
    public void AStaleFileIsRejected()
    {
        var rows = DenseRows(100, 6, seed: 8);
        string[] slots = ["a", "b", "c", "d", "e", "f"];
        var schema = SchemaOf(rows, slots);
        Write(FilePath(), rows, schema);
        OpenFails(FilePath(), CacheFileSchema.Create(7, false, [.. slots, "g"]), "holds rows of 6 features, but the data has 7");
        OpenFails(FilePath(), CacheFileSchema.Create(6, false, ["a", "b", "c", "d", "e", "F"]), "other feature slot names");
        OpenFails(FilePath(), CacheFileSchema.Create(6, false, null), "other feature slot names");
        OpenFails(FilePath(), CacheFileSchema.Create(6, true, slots), "holds dense rows, but sparse (CSR) rows were expected");
        using var reader = CacheFileReader.Open(FilePath(), CacheFileSchema.Create(6, false, slots));
        Assert.AreEqual(100, reader.RowCount);
    }

    [TestMethod]
    public void SlotNameHashSeparatesNames()
    {
        Assert.AreNotEqual(CacheFileSchema.HashSlotNames(["ab", "c"]), CacheFileSchema.HashSlotNames(["a", "bc"]));
        Assert.AreNotEqual(CacheFileSchema.HashSlotNames([]), CacheFileSchema.HashSlotNames(null));
        Assert.AreEqual(CacheFileSchema.HashSlotNames(["x", "y"]), CacheFileSchema.HashSlotNames(new List<string> { "x", "y" }));
    }

    [TestMethod]
    public void AWriteInterruptedBeforeCommitLeavesNothingThatReadsAsACache()
    {
        var rows = DenseRows(3000, 8, seed: 9);
        var schema = SchemaOf(rows);
        // A writer that is never committed nor disposed: what a killed process leaves behind.
        var writer = CacheFileWriter.Create(FilePath(), schema, blockBytes: 4096);
        writer.Append(rows.Rows());
        Assert.IsFalse(File.Exists(FilePath()), "the target appears only on commit");
        string temporary = writer.TemporaryFilePath;
        Assert.AreEqual(_directory, Path.GetDirectoryName(temporary));
        StringAssert.StartsWith(Path.GetFileName(temporary), ".rows.cache.");
        Assert.IsTrue(new FileInfo(temporary).Length > 50_000, "blocks were written");
        OpenFails(temporary, schema, "header is zeros (a write that was interrupted before it committed)");
        writer.Dispose();
        Assert.IsFalse(File.Exists(temporary), "disposing an uncommitted writer deletes its temporary file");
        Assert.AreEqual(0, Directory.GetFiles(_directory).Length);
    }

    [TestMethod]
    public void AFailedPassLeavesTheOldCacheInPlace()
    {
        var first = DenseRows(200, 4, seed: 10);
        var schema = SchemaOf(first);
        Write(FilePath(), first, schema);
        using (var writer = CacheFileWriter.Create(FilePath(), schema, 4096))
        {
            writer.Append(DenseRows(50, 4, seed: 11).Rows());
            Assert.ThrowsExactly<ArgumentException>(() => writer.AppendDense([1, 2, float.NaN, 4], 0));
        } // disposed without commit, like a cancelled fit
        Assert.AreEqual(1, Directory.GetFiles(_directory).Length, "only the old cache is left");
        using var reader = CacheFileReader.Open(FilePath(), schema);
        AssertBitsEqual(first.Rows(), ReadAll(reader).Dataset().Rows(), "the old cache");
    }

    [TestMethod]
    public void CommitReplacesAFileThatAnOpenReaderStillReads()
    {
        var first = DenseRows(500, 4, seed: 12);
        var second = DenseRows(700, 4, seed: 13);
        var schema = SchemaOf(first);
        Write(FilePath(), first, schema);
        using var old = CacheFileReader.Open(FilePath(), schema);
        Write(FilePath(), second, schema);
        using var fresh = CacheFileReader.Open(FilePath(), schema);
        AssertBitsEqual(first.Rows(), ReadAll(old).Dataset().Rows(), "the mapped old file");
        AssertBitsEqual(second.Rows(), ReadAll(fresh).Dataset().Rows(), "the new file");
    }

    [TestMethod]
    public void ATemporaryCacheIsDeletedWithItsReader()
    {
        var rows = DenseRows(100, 3, seed: 14);
        string path = CacheFileWriter.TemporaryPath();
        Write(path, rows, SchemaOf(rows));
        var reader = CacheFileReader.Open(path, SchemaOf(rows), deleteOnDispose: true);
        Assert.IsTrue(File.Exists(path));
        reader.Dispose();
        Assert.IsFalse(File.Exists(path));
        Assert.ThrowsExactly<ObjectDisposedException>(() => reader.ReadBlock(0));
    }

    [TestMethod]
    public void TryOpenSaysWhetherAFileCanBeReused()
    {
        var rows = DenseRows(300, 5, seed: 15);
        var schema = SchemaOf(rows);
        Assert.IsFalse(CacheFileReader.TryOpen(FilePath(), schema, out var missing, out string? why));
        Assert.IsNull(missing);
        StringAssert.Contains(why, "does not exist");
        Write(FilePath(), rows, schema);
        Assert.IsFalse(CacheFileReader.TryOpen(FilePath(), CacheFileSchema.Create(6, false, null), out _, out why));
        StringAssert.Contains(why, "is stale");
        Assert.IsTrue(CacheFileReader.TryOpen(FilePath(), schema, out var reader, out why));
        using (reader)
        {
            Assert.IsNull(why);
            Assert.AreEqual(300, reader.RowCount);
        }
    }
}
