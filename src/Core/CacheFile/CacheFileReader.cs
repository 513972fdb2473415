using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Opens a cache file written by <see cref="CacheFileWriter"/>, checks it against the rows the caller expects, and
/// serves its blocks straight from a read-only memory map (no copy; the page cache is the buffer).</summary>
/// <remarks>
/// <para><see cref="Open"/> rejects, with a <see cref="CacheFileException"/> naming the file and the reason, a file that is
/// foreign (no magic), unfinished (zero header), of another format version, corrupted in its header or index, truncated or
/// longer than its index says, or stale (another feature count, storage or slot-name hash). A block's data checksum is checked
/// the first time the block is read through this reader, before any of its rows is returned; a mismatch names the block.
/// Checking once is enough: writers only ever replace a cache file by renaming a new one over it, which leaves the file this
/// reader has mapped untouched.</para>
/// <para>Blocks returned by <see cref="ReadBlock(int)"/> point into the map and are valid until the reader is disposed: no copy, but
/// the pages touched count in the process's resident memory (clean page cache, which the system reclaims under pressure).
/// <see cref="ReadBlock(int, Span{byte})"/> copies a block into the caller's buffer instead, so the process holds only its buffers
/// whatever the file's size. One reader may be read from several threads.</para>
/// </remarks>
public sealed unsafe class CacheFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly CacheFileFormat.Entry[] _entries;
    private readonly int[] _verified;
    private readonly bool _deleteOnDispose;
    private byte* _base;

    private CacheFileReader(string path, CacheFileSchema schema, long rowCount, CacheFileFormat.Entry[] entries, FileStream stream,
        bool deleteOnDispose)
    {
        Path = path;
        Schema = schema;
        RowCount = rowCount;
        _entries = entries;
        _verified = new int[entries.Length];
        _deleteOnDispose = deleteOnDispose;
        foreach (var entry in entries)
        {
            MaxBlockRows = Math.Max(MaxBlockRows, entry.Rows);
            MaxBlockStoredValues = Math.Max(MaxBlockStoredValues, entry.StoredValues);
            MaxBlockBytes = Math.Max(MaxBlockBytes, entry.Bytes);
        }
        _stream = stream;
        _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
        _base += _view.PointerOffset;
    }

    /// <summary>Opens and checks the cache file at <paramref name="path"/> for rows of <paramref name="expected"/>.</summary>
    /// <param name="path">The cache file.</param>
    /// <param name="expected">The feature count, storage and slot-name hash of the data the caller is training on.</param>
    /// <param name="deleteOnDispose">Whether <see cref="Dispose"/> deletes the file (a cache that lives for one fit).</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="CacheFileException">The file is foreign, unfinished, truncated, corrupted or stale; the message says which.</exception>
    public static CacheFileReader Open(string path, CacheFileSchema expected, bool deleteOnDispose = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Cache files are little-endian; this machine is big-endian.");
        string full = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0);
        try
        {
            var (schema, rowCount, entries) = Validate(full, stream, expected);
            return new CacheFileReader(full, schema, rowCount, entries, stream, deleteOnDispose);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens the cache file at <paramref name="path"/> if it exists and is valid for <paramref name="expected"/>: the check
    /// before reusing a cache from an earlier fit. A missing, foreign, unfinished, truncated, corrupted or stale file gives
    /// <see langword="false"/> and the reason (a message naming the file), so the caller can rebuild it.</summary>
    /// <param name="path">The cache file.</param>
    /// <param name="expected">The feature count, storage and slot-name hash of the data the caller is training on.</param>
    /// <param name="reader">The open reader, or null.</param>
    /// <param name="reason">Why the file cannot be reused, or null.</param>
    /// <returns>Whether the file can be reused.</returns>
    /// <exception cref="IOException">The file exists but cannot be read (permissions, a device error).</exception>
    public static bool TryOpen(string path, CacheFileSchema expected, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheFileReader? reader,
        out string? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        (reader, reason) = (null, null);
        if (!File.Exists(path))
        {
            reason = $"The cache file '{System.IO.Path.GetFullPath(path)}' does not exist.";
            return false;
        }
        try
        {
            reader = Open(path, expected);
            return true;
        }
        catch (CacheFileException error)
        {
            reason = error.Message;
            return false;
        }
    }

    /// <summary>Gets the full path of the file.</summary>
    public string Path { get; }

    /// <summary>Gets the schema the file was written with (equal to the one it was opened for).</summary>
    public CacheFileSchema Schema { get; }

    /// <summary>Gets the number of rows in the file.</summary>
    public long RowCount { get; }

    /// <summary>Gets the number of blocks.</summary>
    public int BlockCount => _entries.Length;

    /// <summary>Gets the most rows in one block.</summary>
    public int MaxBlockRows { get; }

    /// <summary>Gets the most stored values (rows × d, or nonzeros) in one block.</summary>
    public int MaxBlockStoredValues { get; }

    /// <summary>Gets the size of the largest block in bytes: the buffer <see cref="ReadBlock(int, Span{byte})"/> needs.</summary>
    public int MaxBlockBytes { get; }

    /// <summary>Returns the number of rows of block <paramref name="block"/>.</summary>
    public int BlockRowCount(int block) => _entries[block].Rows;

    /// <summary>Returns block <paramref name="block"/> as rows in the map (no copy), checking its checksum on the first read.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="block"/> is not in [0, <see cref="BlockCount"/>).</exception>
    /// <exception cref="CacheFileException">The block's data does not match its checksum.</exception>
    /// <exception cref="ObjectDisposedException">The reader has been disposed.</exception>
    public RowBlock ReadBlock(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, _entries.Length);
        ObjectDisposedException.ThrowIf(_base == null, this);
        var entry = _entries[block];
        var bytes = new ReadOnlySpan<byte>(_base + entry.Offset, entry.Bytes);
        if (Volatile.Read(ref _verified[block]) == 0)
            Verify(block, entry, bytes);
        return View(bytes, entry);
    }

    /// <summary>The rows of block <paramref name="block"/> already read into <paramref name="buffer"/> by
    /// <see cref="ReadBlock(int, Span{byte})"/> (no read, no check).</summary>
    internal RowBlock InBuffer(int block, ReadOnlySpan<byte> buffer) => View(buffer[.._entries[block].Bytes], _entries[block]);

    /// <summary>The rows of a block from its bytes: labels, then dense rows or CSR (row starts, indices, values).</summary>
    private RowBlock View(ReadOnlySpan<byte> bytes, CacheFileFormat.Entry entry)
    {
        int d = Schema.FeatureCount;
        var labels = MemoryMarshal.Cast<byte, float>(bytes[..(4 * entry.Rows)]);
        var rest = bytes[(4 * entry.Rows)..];
        if (!Schema.IsSparse)
            return RowBlock.Dense(MemoryMarshal.Cast<byte, float>(rest[..(4 * entry.StoredValues)]), labels, d);
        var starts = MemoryMarshal.Cast<byte, int>(rest[..(4 * (entry.Rows + 1))]);
        rest = rest[(4 * (entry.Rows + 1))..];
        var indices = MemoryMarshal.Cast<byte, int>(rest[..(4 * entry.StoredValues)]);
        var values = MemoryMarshal.Cast<byte, float>(rest[(4 * entry.StoredValues)..(8 * entry.StoredValues)]);
        return RowBlock.Trusted(starts, indices, values, labels, d); // the checksum proves these are the bytes the writer checked
    }

    /// <summary>Reads block <paramref name="block"/> into <paramref name="buffer"/> with a positioned read (one copy from the page
    /// cache, none of the map touched) and returns its rows there, checking its checksum on the first read. The process then holds
    /// only the caller's buffers, however large the file; the rows are valid while the buffer is unchanged.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="block"/> is not in [0, <see cref="BlockCount"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is smaller than the block.</exception>
    /// <exception cref="CacheFileException">The block's data does not match its checksum, or the file ends early.</exception>
    /// <exception cref="ObjectDisposedException">The reader has been disposed.</exception>
    public RowBlock ReadBlock(int block, Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, _entries.Length);
        ObjectDisposedException.ThrowIf(_base == null, this);
        var entry = _entries[block];
        if (buffer.Length < entry.Bytes)
            throw new ArgumentException($"Block {block} has {entry.Bytes} bytes; the buffer holds {buffer.Length}.", nameof(buffer));
        var bytes = buffer[..entry.Bytes];
        for (int done = 0; done < bytes.Length;)
        {
            int read = RandomAccess.Read(_stream.SafeFileHandle, bytes[done..], entry.Offset + done);
            if (read == 0)
                throw Fail(Path, $"ended inside block {block}: it was truncated while open.");
            done += read;
        }
        if (Volatile.Read(ref _verified[block]) == 0)
            Verify(block, entry, bytes);
        return View(bytes, entry);
    }

    /// <summary>Unmaps the file, and deletes it if the reader was opened with <c>deleteOnDispose</c>.</summary>
    public void Dispose()
    {
        if (_base == null)
            return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _stream.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private void Verify(int block, CacheFileFormat.Entry entry, ReadOnlySpan<byte> bytes)
    {
        if (XxHash3.HashToUInt64(bytes) != entry.Checksum)
            throw Fail(Path, $"is corrupted: block {block} of {_entries.Length} (bytes {entry.Offset} to {entry.Offset + entry.Bytes}) does not match its checksum. Delete the file to rebuild it.");
        if (Schema.IsSparse)
        {
            var starts = MemoryMarshal.Cast<byte, int>(bytes.Slice(4 * entry.Rows, 4 * (entry.Rows + 1)));
            for (int i = 0; i < entry.Rows; i++)
            {
                if (starts[i + 1] < starts[i])
                    throw Fail(Path, $"is corrupted: the row starts of block {block} go backwards at row {i}.");
            }
            if (starts[0] != 0 || starts[^1] != entry.StoredValues)
                throw Fail(Path, $"is corrupted: the row starts of block {block} do not span its {entry.StoredValues} values.");
        }
        Volatile.Write(ref _verified[block], 1);
    }

    private static (CacheFileSchema Schema, long Rows, CacheFileFormat.Entry[] Entries) Validate(string path, FileStream stream, CacheFileSchema expected)
    {
        long length = stream.Length;
        if (length < CacheFileFormat.HeaderBytes)
            throw Fail(path, $"is not a cache file or is truncated: it has {length} bytes, fewer than the {CacheFileFormat.HeaderBytes}-byte header.");
        Span<byte> headerBytes = stackalloc byte[CacheFileFormat.HeaderBytes];
        RandomAccess.Read(stream.SafeFileHandle, headerBytes, 0);
        var header = CacheFileFormat.ReadHeader(headerBytes, out string? reason) ?? throw Fail(path, reason!);

        string kind(bool sparse) => sparse ? "sparse (CSR)" : "dense";
        if (header.FeatureCount != expected.FeatureCount)
            throw Fail(path, $"is stale: it holds rows of {header.FeatureCount} features, but the data has {expected.FeatureCount}. Delete it to rebuild it.");
        if (header.Sparse != expected.IsSparse)
            throw Fail(path, $"is stale: it holds {kind(header.Sparse)} rows, but {kind(expected.IsSparse)} rows were expected. Delete it to rebuild it.");
        if (header.SlotHash != expected.SlotNameHash)
            throw Fail(path, $"is stale: it was written for other feature slot names (slot-name hash {header.SlotHash:x16}, the data's is {expected.SlotNameHash:x16}). Delete it to rebuild it.");

        long expectedLength = header.IndexOffset + (long)header.BlockCount * CacheFileFormat.EntryBytes + sizeof(ulong);
        if (length < expectedLength)
            throw Fail(path, $"is truncated: it has {length} bytes, but its header describes {expectedLength}.");
        if (length > expectedLength)
            throw Fail(path, $"has {length - expectedLength} bytes more than its header describes ({expectedLength}); it is not a cache file this library wrote.");

        var index = new byte[header.BlockCount * CacheFileFormat.EntryBytes + sizeof(ulong)];
        RandomAccess.Read(stream.SafeFileHandle, index, header.IndexOffset);
        var entryBytes = index.AsSpan(0, index.Length - sizeof(ulong));
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(index.AsSpan(entryBytes.Length)) != XxHash3.HashToUInt64(entryBytes))
            throw Fail(path, "is corrupted: its block index does not match its checksum.");

        var entries = new CacheFileFormat.Entry[header.BlockCount];
        long offset = CacheFileFormat.HeaderBytes, rows = 0, stored = 0;
        for (int k = 0; k < entries.Length; k++)
        {
            var entry = entries[k] = CacheFileFormat.ReadEntry(entryBytes[(k * CacheFileFormat.EntryBytes)..]);
            bool consistent = entry.Offset == offset && entry.Rows >= 1 && entry.StoredValues >= 0
                && (header.Sparse || entry.StoredValues == (long)entry.Rows * header.FeatureCount)
                && entry.Bytes == CacheFileFormat.BlockBytes(header.Sparse, header.FeatureCount, entry.Rows, entry.StoredValues);
            if (!consistent)
                throw Fail(path, $"is corrupted: entry {k} of its block index does not fit the blocks before it.");
            offset += entry.Bytes;
            rows += entry.Rows;
            stored += entry.StoredValues;
        }
        if (offset != header.IndexOffset || rows != header.RowCount || stored != header.StoredValueCount)
            throw Fail(path, "is corrupted: its block index does not add up to the rows and values its header states.");
        var schema = new CacheFileSchema(header.FeatureCount, header.Sparse, header.SlotHash);
        return (schema, header.RowCount, entries);
    }

    private static CacheFileException Fail(string path, string reason) => new(path, reason);
}
