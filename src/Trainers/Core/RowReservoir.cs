namespace MlNetGd.Trainers.Core;

/// <summary>A seeded uniform sample of at most <see cref="Capacity"/> rows from a stream of unknown length (reservoir sampling).</summary>
/// <remarks>
/// Algorithm R: the first <see cref="Capacity"/> rows are kept; row <c>i</c> (from 0) after that replaces a kept row with
/// probability <c>Capacity / (i + 1)</c>. Every row of the stream ends up in the sample with the same probability, so a sorted
/// file is sampled as well as a shuffled one. Memory is <c>Capacity × (d + 1)</c> floats; <see cref="Add"/> allocates nothing.
/// </remarks>
public sealed class RowReservoir
{
    private readonly float[] _features;
    private readonly float[] _labels;
    private SplitMix64 _random;

    /// <summary>Creates an empty reservoir.</summary>
    /// <param name="capacity">The largest sample, at least 1.</param>
    /// <param name="featureCount">The number of features per row, at least 1.</param>
    /// <param name="seed">The seed of the sampling.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is less than 1, or the sample would exceed the largest array.</exception>
    public RowReservoir(int capacity, int featureCount, int seed)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be at least 1.");
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1.");
        if ((long)capacity * featureCount > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity x featureCount must not exceed {Array.MaxLength}.");
        Capacity = capacity;
        FeatureCount = featureCount;
        _features = new float[capacity * featureCount];
        _labels = new float[capacity];
        _random = new SplitMix64(seed, stream: 0x5EED_5A3B_1E00UL);
    }

    /// <summary>Gets the largest sample.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of rows offered so far.</summary>
    public long RowsSeen { get; private set; }

    /// <summary>Gets the number of rows in the sample: the smaller of <see cref="RowsSeen"/> and <see cref="Capacity"/>.</summary>
    public int Count => (int)Math.Min(RowsSeen, Capacity);

    /// <summary>Offers one row to the sample.</summary>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not hold <see cref="FeatureCount"/> values.</exception>
    public void Add(ReadOnlySpan<float> features, float label)
    {
        int d = FeatureCount;
        if (features.Length != d)
            throw new ArgumentException($"Rows must have {d} features; got {features.Length}.", nameof(features));
        long slot = RowsSeen;
        if (slot >= Capacity)
        {
            // A uniform draw in [0, RowsSeen]: the high 64 bits of a 64 x 64-bit product (Lemire); its bias is at most (RowsSeen + 1) / 2^64.
            slot = (long)Math.BigMul(_random.NextUInt64(), (ulong)RowsSeen + 1, out _);
        }
        if (slot < Capacity)
        {
            features.CopyTo(_features.AsSpan((int)slot * d, d));
            _labels[slot] = label;
        }
        RowsSeen++;
    }

    /// <summary>Returns a copy of the sample as a dataset (in reservoir order).</summary>
    /// <exception cref="InvalidOperationException">No row was offered.</exception>
    public DenseDataset ToDenseDataset()
    {
        int m = Count;
        if (m == 0)
            throw new InvalidOperationException("The reservoir is empty: no row was offered.");
        return new DenseDataset(_features.AsSpan(0, m * FeatureCount).ToArray(), _labels.AsSpan(0, m).ToArray(), FeatureCount);
    }
}
