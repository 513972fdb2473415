using System.IO.Hashing;
using System.Text;

namespace MlNetGd.Trainers.Core;

/// <summary>What a cache file's rows must match to be reused: the number of features, the storage (dense or CSR) and a hash of
/// the feature slot names.</summary>
/// <param name="FeatureCount">d, the number of features per row; at least 1.</param>
/// <param name="IsSparse">Whether the rows are stored as CSR (column indices and values) rather than dense.</param>
/// <param name="SlotNameHash">A hash of the feature slot names (<see cref="HashSlotNames"/>), 0 when the data has none.</param>
public readonly record struct CacheFileSchema(int FeatureCount, bool IsSparse, ulong SlotNameHash)
{
    /// <summary>Builds the schema of rows with <paramref name="featureCount"/> features and the given slot names.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> is less than 1.</exception>
    public static CacheFileSchema Create(int featureCount, bool isSparse, IEnumerable<string>? slotNames)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1.");
        return new CacheFileSchema(featureCount, isSparse, HashSlotNames(slotNames));
    }

    /// <summary>Returns a 64-bit hash (XxHash3) of the slot names in order, each UTF-8 encoded with its length in front, so
    /// that ("ab", "c") and ("a", "bc") differ; 0 for null.</summary>
    public static ulong HashSlotNames(IEnumerable<string>? slotNames)
    {
        if (slotNames is null)
            return 0;
        var hash = new XxHash3();
        Span<byte> length = stackalloc byte[4];
        foreach (string name in slotNames)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(name ?? string.Empty);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.Append(length);
            hash.Append(bytes);
        }
        ulong value = hash.GetCurrentHashAsUInt64();
        return value == 0 ? 1 : value;
    }
}
