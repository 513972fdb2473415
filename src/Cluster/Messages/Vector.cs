using System.Runtime.InteropServices;

namespace MlNetGd.Cluster;

/// <summary>A parameter vector as it crosses the network: its floats' bytes. Orleans copies a <c>byte[]</c> in one block, while a
/// <c>float[]</c> goes element by element, each with its own field header (at 2^16 features that was most of a round's messaging).</summary>
internal static class Vector
{
    /// <summary>The bytes of <paramref name="values"/> (the machine's byte order: every party of a cluster runs .NET on the same kind).</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>The floats <paramref name="bytes"/> hold.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of floats.</exception>
    public static float[] FromBytes(byte[] bytes) =>
        bytes.Length % sizeof(float) == 0 ? MemoryMarshal.Cast<byte, float>(bytes).ToArray()
            : throw new ArgumentException($"{bytes.Length} bytes are not a whole number of floats.", nameof(bytes));
}
