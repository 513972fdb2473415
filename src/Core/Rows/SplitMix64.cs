namespace MlNetGd.Trainers.Core;

/// <summary>A tiny seeded pseudo-random generator (SplitMix64) that allocates nothing and never changes between .NET versions.</summary>
/// <remarks>Used for shuffles so that the same seed gives the same model bit for bit, on any runtime.</remarks>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Creates a generator for one (seed, stream) pair; different streams give independent sequences.</summary>
    public SplitMix64(int seed, ulong stream = 0)
    {
        _state = unchecked(((ulong)(uint)seed << 32) ^ (stream * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL);
    }

    /// <summary>Returns the next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Returns an integer in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax), exclusiveMax, "must be at least 1.");
        ulong range = (ulong)exclusiveMax;
        while (true)
        {
            ulong product = (NextUInt64() >> 32) * range;
            uint low = (uint)product;
            if (low >= (uint)exclusiveMax || low >= (uint)((0x1_0000_0000UL - range) % range))
                return (int)(product >> 32);
        }
    }

    /// <summary>Returns a double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fills <paramref name="destination"/> with a uniformly random permutation of 0..length-1.</summary>
    public void Permutation(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = i;
        Shuffle(destination);
    }

    /// <summary>Puts <paramref name="values"/> in a uniformly random order (Fisher–Yates; from 0..length−1 it draws what
    /// <see cref="Permutation"/> does).</summary>
    public void Shuffle(Span<int> values)
    {
        var destination = values;
        for (int i = destination.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }
}
