using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MlNetGd.Trainers.Core;

/// <summary>The byte layout of a cache file (little-endian), shared by <see cref="CacheFileWriter"/> and <see cref="CacheFileReader"/>.</summary>
/// <remarks>
/// <code>
/// header (64 bytes): magic "MLNGDCF\n" | version u32 | flags u32 (bit 0: CSR) | d i32 | blocks i32 | slot hash u64
///                    | rows i64 | stored values i64 | index offset i64 | XxHash3 of bytes 0..56 u64
/// block k:           labels f32[r], then dense f32[r·d], or CSR: row starts i32[r+1] (from 0), indices i32[nnz], values f32[nnz]
/// index:             per block (32 bytes): offset i64 | bytes i32 | rows i32 | stored values i32 | 0 i32 | XxHash3 of the block u64
///                    then XxHash3 of the entries u64; the file ends there.
/// </code>
/// The header is written last, over zeros, just before the file is renamed into place: a file whose write did not finish has
/// no magic.
/// </remarks>
internal static class CacheFileFormat
{
    public const int HeaderBytes = 64;
    public const int EntryBytes = 32;
    public const uint Version = 1;
    public const ulong Magic = 0x0A4643444E474C4DUL; // "MLNGDCF\n" read as a little-endian u64

    public readonly record struct Header(bool Sparse, int FeatureCount, int BlockCount, ulong SlotHash, long RowCount,
        long StoredValueCount, long IndexOffset);

    public readonly record struct Entry(long Offset, int Bytes, int Rows, int StoredValues, ulong Checksum);

    public static long BlockBytes(bool sparse, int featureCount, int rows, int storedValues) => sparse
        ? 4L * rows + 4L * (rows + 1) + 8L * storedValues
        : 4L * rows + 4L * storedValues;

    public static void WriteHeader(Span<byte> destination, in Header header)
    {
        destination[..HeaderBytes].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], header.Sparse ? 1u : 0u);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], header.FeatureCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], header.BlockCount);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], header.SlotHash);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], header.RowCount);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], header.StoredValueCount);
        BinaryPrimitives.WriteInt64LittleEndian(destination[48..], header.IndexOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[56..], XxHash3.HashToUInt64(destination[..56]));
    }

    /// <summary>Reads and checks the header; returns null and a reason when it is not a valid header of this version.</summary>
    public static Header? ReadHeader(ReadOnlySpan<byte> source, out string? reason)
    {
        reason = null;
        if (BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic)
        {
            reason = source[..8].IndexOfAnyExcept((byte)0) < 0
                ? "is not a finished cache file: its header is zeros (a write that was interrupted before it committed)."
                : "is not an MlNetGd cache file: it does not start with the cache file magic 'MLNGDCF'.";
            return null;
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (version != Version)
        {
            reason = $"has cache format version {version}; this library reads version {Version}. Delete the file to rebuild it.";
            return null;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(source[56..]) != XxHash3.HashToUInt64(source[..56]))
        {
            reason = "has a corrupted header: its checksum does not match.";
            return null;
        }
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
        var header = new Header(
            Sparse: (flags & 1) != 0,
            FeatureCount: BinaryPrimitives.ReadInt32LittleEndian(source[16..]),
            BlockCount: BinaryPrimitives.ReadInt32LittleEndian(source[20..]),
            SlotHash: BinaryPrimitives.ReadUInt64LittleEndian(source[24..]),
            RowCount: BinaryPrimitives.ReadInt64LittleEndian(source[32..]),
            StoredValueCount: BinaryPrimitives.ReadInt64LittleEndian(source[40..]),
            IndexOffset: BinaryPrimitives.ReadInt64LittleEndian(source[48..]));
        if (flags > 1 || header.FeatureCount < 1 || header.BlockCount < 0 || header.RowCount < 0 || header.StoredValueCount < 0
            || header.IndexOffset < HeaderBytes)
        {
            reason = "has an invalid header (flags, feature count, block count, row count or index offset out of range).";
            return null;
        }
        return header;
    }

    public static void WriteEntry(Span<byte> destination, in Entry entry)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, entry.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], entry.Bytes);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], entry.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], entry.StoredValues);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], entry.Checksum);
    }

    public static Entry ReadEntry(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64LittleEndian(source),
        BinaryPrimitives.ReadInt32LittleEndian(source[8..]),
        BinaryPrimitives.ReadInt32LittleEndian(source[12..]),
        BinaryPrimitives.ReadInt32LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(source[24..]));

    /// <summary>Writes one block of rows stored one after the other from offset 0, hashing what it writes; returns its stored
    /// values, its size and its checksum.</summary>
    public static (int Stored, int Bytes, ulong Checksum) WriteBlock(Stream stream, XxHash3 hash, RowBlock block)
    {
        int stored = !block.IsSparse ? block.DenseFeatures.Length : block.RowCount == 0 ? 0 : block.RowEnds[^1];
        long start = stream.Position;
        hash.Reset();
        void Write(ReadOnlySpan<byte> bytes)
        {
            hash.Append(bytes);
            stream.Write(bytes);
        }
        Write(MemoryMarshal.AsBytes(block.Labels));
        if (block.IsSparse)
        {
            Write(MemoryMarshal.AsBytes(block.RowStarts));
            Write(MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in stored)));
            Write(MemoryMarshal.AsBytes(block.Indices[..stored]));
            Write(MemoryMarshal.AsBytes(block.Values[..stored]));
        }
        else
        {
            Write(MemoryMarshal.AsBytes(block.DenseFeatures));
        }
        return (stored, checked((int)(stream.Position - start)), hash.GetCurrentHashAsUInt64());
    }
}
