namespace MlNetGd.Trainers.Core;

/// <summary>A fixed-size pool of rows that turns a stream of rows into a seeded random order (a shuffle buffer).</summary>
/// <remarks>
/// <para>Rows go in with <see cref="Add"/>. Until the pool is full they are only stored; after that every <see cref="Add"/>
/// emits a row drawn uniformly from the pool and stores the new row in its place. When the stream ends, <see cref="TryTake"/>
/// empties the pool in random order. Every row added comes out exactly once, so one pass is a permutation of the stream,
/// and the same <c>(seed, stream)</c> gives the same permutation.</para>
/// <para>The shuffle is local: a row can come out at most <c>Capacity − 1</c> places earlier than it went in (later without
/// bound). Memory is <c>Capacity × (d + 1)</c> floats, allocated once; <see cref="Add"/> and <see cref="TryTake"/> allocate nothing.</para>
/// </remarks>
public sealed class ShuffleBuffer
{
    private readonly float[] _features;
    private readonly float[] _labels;
    private SplitMix64 _random;

    /// <summary>Creates an empty pool.</summary>
    /// <param name="capacity">The number of rows the pool holds, at least 1 (1 keeps the stream order).</param>
    /// <param name="featureCount">The number of features per row, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is less than 1, or the pool would exceed the largest array.</exception>
    public ShuffleBuffer(int capacity, int featureCount)
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
        _random = new SplitMix64(0);
    }

    /// <summary>Gets the number of rows the pool holds.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of rows waiting in the pool.</summary>
    public int Count { get; private set; }

    /// <summary>Empties the pool and seeds its random draws for one pass (e.g. the seed and the epoch).</summary>
    public void Reset(int seed, ulong stream)
    {
        Count = 0;
        _random = new SplitMix64(seed, stream);
    }

    /// <summary>Adds a row; once the pool is full, emits a randomly chosen row first.</summary>
    /// <param name="features">The new row's features (<see cref="FeatureCount"/> values).</param>
    /// <param name="label">The new row's label.</param>
    /// <param name="emittedFeatures">Receives the emitted row's features (<see cref="FeatureCount"/> values); untouched when nothing is emitted.
    /// It must not overlap <paramref name="features"/>.</param>
    /// <param name="emittedLabel">Receives the emitted row's label, or 0 when nothing is emitted.</param>
    /// <returns><see langword="true"/> when a row was emitted.</returns>
    /// <exception cref="ArgumentException">A span does not hold <see cref="FeatureCount"/> values.</exception>
    public bool Add(ReadOnlySpan<float> features, float label, Span<float> emittedFeatures, out float emittedLabel)
    {
        int d = FeatureCount;
        if (features.Length != d || emittedFeatures.Length != d)
            throw new ArgumentException($"Rows must have {d} features; got {features.Length} in and {emittedFeatures.Length} out.", nameof(features));
        if (Count < Capacity)
        {
            features.CopyTo(_features.AsSpan(Count * d, d));
            _labels[Count++] = label;
            emittedLabel = 0;
            return false;
        }
        int slot = _random.NextInt(Capacity);
        var stored = _features.AsSpan(slot * d, d);
        stored.CopyTo(emittedFeatures);
        emittedLabel = _labels[slot];
        features.CopyTo(stored);
        _labels[slot] = label;
        return true;
    }

    /// <summary>Removes a randomly chosen row from the pool (to empty it when the stream has ended).</summary>
    /// <param name="features">Receives the row's features (<see cref="FeatureCount"/> values).</param>
    /// <param name="label">Receives the row's label, or 0 when the pool is empty.</param>
    /// <returns><see langword="false"/> when the pool is empty.</returns>
    /// <exception cref="ArgumentException"><paramref name="features"/> does not hold <see cref="FeatureCount"/> values.</exception>
    public bool TryTake(Span<float> features, out float label)
    {
        int d = FeatureCount;
        if (features.Length != d)
            throw new ArgumentException($"Rows must have {d} features; got {features.Length}.", nameof(features));
        if (Count == 0)
        {
            label = 0;
            return false;
        }
        int slot = _random.NextInt(Count);
        int last = --Count;
        _features.AsSpan(slot * d, d).CopyTo(features);
        label = _labels[slot];
        if (slot != last)
        {
            _features.AsSpan(last * d, d).CopyTo(_features.AsSpan(slot * d, d));
            _labels[slot] = _labels[last];
        }
        return true;
    }
}
