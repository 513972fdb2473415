using System.IO.Hashing;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>Writes training rows (after featurization) to a cache file in fixed-size blocks, atomically: the rows go to a
/// temporary file beside the target (<c>.name.&lt;guid&gt;.tmp</c>), which <see cref="Commit"/> flushes and renames into place.</summary>
/// <remarks>
/// <para>The format is <see cref="CacheFileFormat"/>'s: labels, then dense rows or CSR rows, per block of about
/// <see cref="DefaultBlockBytes"/>, each with an XxHash3 checksum in an index at the end, and a header (magic, version,
/// schema, row count) written last. Disposing a writer that has not committed deletes the temporary file; a process killed
/// mid-write leaves only a <c>.tmp</c> file whose header is zeros, which <see cref="CacheFileReader.Open"/> rejects.</para>
/// <para>Rows are checked as they come (finite values, columns in range) so that the file holds only valid rows. Appending
/// allocates nothing once the block buffers exist; a dense row may go into a CSR file (its nonzeros are kept) and a CSR row into a
/// dense file (it is expanded).</para>
/// <para>Its own temp-and-rename (rather than Reports' <c>AtomicFile</c>): the core references nothing above it, and the file
/// is streamed block by block rather than written from one buffer.</para>
/// </remarks>
public sealed class CacheFileWriter : IDisposable, IRowSink
{
    /// <summary>The default size of a block of rows, in bytes: large sequential reads, and the size of the cached loop's
    /// super-blocks (<see cref="BatchOrder.SuperBlockBytes"/>).</summary>
    public const int DefaultBlockBytes = BatchOrder.SuperBlockBytes;

    private readonly string _path;
    private readonly string _temporaryPath;
    private readonly CacheFileSchema _schema;
    private readonly int _blockBytes;
    private readonly int _rowsPerBlock;
    private readonly int? _rowShuffleSeed;
    private readonly bool _durable;
    private readonly List<CacheFileFormat.Entry> _entries = [];
    private readonly XxHash3 _hash = new();
    private FileStream? _stream;
    private float[] _labels;
    private float[] _dense;
    private int[] _starts;
    private int[] _indices;
    private float[] _values;
    private int _rows;
    private int _stored;
    private RowBlockBuffer? _shuffled;
    private int[] _permutation = [];

    private CacheFileWriter(string path, CacheFileSchema schema, int blockBytes, int? rowShuffleSeed, bool durable)
    {
        _durable = durable;
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Cache files are little-endian; this machine is big-endian.");
        _path = System.IO.Path.GetFullPath(path);
        _schema = schema;
        _blockBytes = blockBytes;
        _rowShuffleSeed = rowShuffleSeed;
        int d = schema.FeatureCount;
        // A CSR row costs at least a label and a row start (8 bytes); a dense row (d + 1) floats.
        _rowsPerBlock = schema.IsSparse ? Math.Max(1, blockBytes / 8) : Math.Max(1, blockBytes / ((d + 1) * sizeof(float)));
        _labels = new float[_rowsPerBlock];
        _dense = schema.IsSparse ? [] : new float[(long)_rowsPerBlock * d];
        _starts = schema.IsSparse ? new int[_rowsPerBlock + 1] : [];
        _indices = schema.IsSparse ? new int[Math.Max(16, blockBytes / 16)] : [];
        _values = schema.IsSparse ? new float[_indices.Length] : [];
        string directory = System.IO.Path.GetDirectoryName(_path) ?? ".";
        _temporaryPath = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        // Others may read it (they find a zero header and reject it) but not write it.
        _stream = new FileStream(_temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        _stream.Write(new byte[CacheFileFormat.HeaderBytes]);
    }

    /// <summary>Starts a cache file at <paramref name="path"/> (which appears only on <see cref="Commit"/>) for rows of
    /// <paramref name="schema"/>.</summary>
    /// <param name="path">The cache file; an existing file there is replaced on commit.</param>
    /// <param name="schema">The rows' feature count, storage and slot-name hash, checked again by every reader.</param>
    /// <param name="blockBytes">The target size of a block; at least 4096.</param>
    /// <param name="rowShuffleSeed">If set, the rows of each block are written in a random order drawn from
    /// <c>SplitMix64(seed, block)</c>, so that batches cut from a block (<see cref="CacheFileShuffle.BlocksAndBatches"/>) are random
    /// sets of rows even when the rows arrive sorted.</param>
    /// <param name="durable">Whether <see cref="Commit"/> forces the file to disk (fsync) before renaming it. Without it the rename
    /// still happens only after every byte has been handed to the operating system, so a killed process never leaves a partial file
    /// under the target name; only a machine crash can, and then the checksums reject it. A cache can always be rebuilt, so the
    /// default skips the fsync (its cost per GB is in bench/Streaming/RESULTS.md).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockBytes"/> is below 4096, or the feature count is below 1.</exception>
    /// <exception cref="IOException">The directory is missing or not writable.</exception>
    public static CacheFileWriter Create(string path, CacheFileSchema schema, int blockBytes = DefaultBlockBytes, int? rowShuffleSeed = null,
        bool durable = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 4096);
        if (schema.FeatureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(schema), schema.FeatureCount, "the feature count must be at least 1.");
        return new CacheFileWriter(path, schema, blockBytes, rowShuffleSeed, durable);
    }

    /// <summary>Returns a fresh path in the temporary directory for a cache that lives for one fit.</summary>
    public static string TemporaryPath() => System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnetgd-cache-{Guid.NewGuid():N}.bin");

    /// <summary>Gets the full path the file will have once committed.</summary>
    public string Path => _path;

    /// <summary>Gets the full path of the temporary file being written (gone after <see cref="Commit"/> or <see cref="Dispose"/>).</summary>
    public string TemporaryFilePath => _temporaryPath;

    /// <summary>Gets the number of rows appended so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Appends every row of <paramref name="rows"/>.</summary>
    /// <exception cref="ArgumentException">The block has another feature count, or a row is invalid (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The writer was committed or disposed.</exception>
    public void Append(RowBlock rows)
    {
        if (rows.FeatureCount != _schema.FeatureCount)
            throw new ArgumentException($"The rows have {rows.FeatureCount} features; this cache file holds {_schema.FeatureCount}.", nameof(rows));
        int d = _schema.FeatureCount;
        for (int i = 0; i < rows.RowCount; i++)
        {
            if (rows.IsSparse)
            {
                int start = rows.RowStarts[i], end = rows.RowEnds[i];
                AppendSparse(rows.Indices[start..end], rows.Values[start..end], rows.Labels[i]);
            }
            else
            {
                AppendDense(rows.DenseFeatures.Slice(i * d, d), rows.Labels[i]);
            }
        }
    }

    /// <summary>Appends one dense row of d features.</summary>
    /// <exception cref="ArgumentException">The row does not have d values, or a value or the label is not finite.</exception>
    /// <exception cref="InvalidOperationException">The writer was committed or disposed.</exception>
    public void AppendDense(ReadOnlySpan<float> features, float label)
    {
        EnsureOpen();
        RowCheck.Check(RowCount, label, default, features, features.Length, _schema.FeatureCount, RowNames.Default);
        AddDense(features, label);
    }

    /// <summary>Appends one CSR row: the nonzeros <paramref name="values"/> at columns <paramref name="indices"/>.</summary>
    /// <exception cref="ArgumentException">The row fails <see cref="RowCheck"/>: the lengths differ, a column is outside [0, d), or
    /// a value or the label is not finite or too large.</exception>
    /// <exception cref="InvalidOperationException">The writer was committed or disposed.</exception>
    public void AppendSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float label)
    {
        EnsureOpen();
        RowCheck.Check(RowCount, label, indices, values, _schema.FeatureCount, _schema.FeatureCount, RowNames.Default);
        AddSparse(indices, values, label);
    }

    /// <inheritdoc/>
    void IRowSink.Add(float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        EnsureOpen();
        if (indices.IsEmpty && values.Length == _schema.FeatureCount)
            AddDense(values, label);
        else
            AddSparse(indices, values, label);
    }

    private void AddDense(ReadOnlySpan<float> features, float label)
    {
        int d = _schema.FeatureCount;
        if (_schema.IsSparse)
        {
            ReserveSparse(RowStorage.CountNonzeros(features));
            _stored = RowCopy.AppendNonzeros([], features, _indices, _values, _stored);
            FinishSparseRow(label);
            return;
        }
        if (_rows == _rowsPerBlock)
            FlushBlock();
        features.CopyTo(_dense.AsSpan(_rows * d, d));
        _labels[_rows++] = label;
        RowCount++;
    }

    private void AddSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float label)
    {
        int d = _schema.FeatureCount;
        if (!_schema.IsSparse)
        {
            if (_rows == _rowsPerBlock)
                FlushBlock();
            RowCopy.ToDense(indices, values, _dense.AsSpan(_rows * d, d));
            _labels[_rows++] = label;
            RowCount++;
            return;
        }
        ReserveSparse(indices.Length);
        indices.CopyTo(_indices.AsSpan(_stored));
        values.CopyTo(_values.AsSpan(_stored));
        _stored += indices.Length;
        FinishSparseRow(label);
    }

    /// <summary>Writes the last block, the index and the header, flushes (to disk if durable) and renames the file into place.</summary>
    /// <exception cref="InvalidOperationException">The writer was committed or disposed.</exception>
    /// <exception cref="IOException">The file could not be written or renamed; the temporary file is removed.</exception>
    public void Commit()
    {
        var stream = EnsureOpen();
        try
        {
            if (_rows > 0)
                FlushBlock();
            long indexOffset = stream.Position;
            var index = new byte[_entries.Count * CacheFileFormat.EntryBytes + sizeof(ulong)];
            for (int k = 0; k < _entries.Count; k++)
                CacheFileFormat.WriteEntry(index.AsSpan(k * CacheFileFormat.EntryBytes), _entries[k]);
            var entries = index.AsSpan(0, index.Length - sizeof(ulong));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(index.AsSpan(entries.Length), XxHash3.HashToUInt64(entries));
            stream.Write(index);
            Span<byte> header = stackalloc byte[CacheFileFormat.HeaderBytes];
            CacheFileFormat.WriteHeader(header, new CacheFileFormat.Header(_schema.IsSparse, _schema.FeatureCount, _entries.Count,
                _schema.SlotNameHash, RowCount, _entries.Sum(e => (long)e.StoredValues), indexOffset));
            stream.Position = 0;
            stream.Write(header);
            stream.Flush(flushToDisk: _durable);
            stream.Dispose();
            _stream = null;
            File.Move(_temporaryPath, _path, overwrite: true);
        }
        catch
        {
            Abandon();
            throw;
        }
    }

    /// <summary>Closes the writer; if it has not committed, deletes the temporary file (a cancelled or failed first pass).</summary>
    public void Dispose()
    {
        if (_stream is not null) // open: not committed, not abandoned
            Abandon();
    }

    private void Abandon()
    {
        _stream?.Dispose();
        _stream = null; // nothing more may be written
        try
        {
            File.Delete(_temporaryPath);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private FileStream EnsureOpen() =>
        _stream ?? throw new InvalidOperationException($"The cache file writer for '{_path}' has already been committed or disposed.");

    /// <summary>Makes room for a CSR row of <paramref name="nonzeros"/> values, flushing the block first if the row would overflow it.</summary>
    private void ReserveSparse(int nonzeros)
    {
        long bytesAfter = CacheFileFormat.BlockBytes(true, _schema.FeatureCount, _rows + 1, _stored + nonzeros);
        if (_rows > 0 && (_rows == _rowsPerBlock || bytesAfter > _blockBytes))
            FlushBlock();
        if (_stored + nonzeros > _indices.Length)
        {
            // One row larger than a block: the block grows to hold it (a rare, one-off allocation).
            int size = Math.Max(_stored + nonzeros, _indices.Length * 2);
            Array.Resize(ref _indices, size);
            Array.Resize(ref _values, size);
        }
    }

    private void FinishSparseRow(float label)
    {
        _labels[_rows++] = label;
        _starts[_rows] = _stored;
        RowCount++;
    }

    private void FlushBlock()
    {
        var stream = EnsureOpen();
        int rows = _rows;
        int d = _schema.FeatureCount;
        var block = _schema.IsSparse
            ? RowBlock.Trusted(_starts.AsSpan(0, rows + 1), _indices.AsSpan(0, _stored), _values.AsSpan(0, _stored), _labels.AsSpan(0, rows), d)
            : RowBlock.Dense(_dense.AsSpan(0, rows * d), _labels.AsSpan(0, rows), d);
        if (_rowShuffleSeed is int seed)
        {
            _shuffled ??= new RowBlockBuffer(d, _schema.IsSparse, rows, _schema.IsSparse ? _stored : rows * d);
            if (_permutation.Length < rows)
                _permutation = new int[_rowsPerBlock];
            var permutation = _permutation.AsSpan(0, rows);
            new SplitMix64(seed, (ulong)_entries.Count).Permutation(permutation);
            _shuffled.Gather(block, permutation);
            block = _shuffled.View();
        }
        long offset = stream.Position;
        var (stored, bytes, checksum) = CacheFileFormat.WriteBlock(stream, _hash, block);
        _entries.Add(new CacheFileFormat.Entry(offset, bytes, rows, stored, checksum));
        _rows = 0;
        _stored = 0;
    }

}
