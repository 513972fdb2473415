namespace MlNetGd.Trainers.Core;

/// <summary>A seeded uniform sample of at most <see cref="Capacity"/> rows from a stream of unknown length (reservoir sampling),
/// kept dense or, for sparse rows, as their nonzeros.</summary>
/// <remarks>
/// Algorithm R: the first <see cref="Capacity"/> rows are kept; row <c>i</c> (from 0) after that replaces a kept row with
/// probability <c>Capacity / (i + 1)</c>. Every row of the stream ends up in the sample with the same probability, so a sorted
/// file is sampled as well as a shuffled one. Dense: memory is <c>Capacity × (d + 1)</c> floats and <see cref="Add(ReadOnlySpan{float}, float)"/>
/// allocates nothing. Sparse: each kept row holds its own nonzeros (a replaced row's arrays are reused when large enough).
/// </remarks>
public sealed class RowReservoir
{
    private readonly float[] _features;
    private readonly float[] _labels;
    private readonly int[][]? _rowIndices;
    private readonly float[][]? _rowValues;
    private readonly int[]? _rowLengths;
    private SplitMix64 _random;

    /// <summary>Creates an empty reservoir.</summary>
    /// <param name="capacity">The largest sample, at least 1.</param>
    /// <param name="featureCount">The number of features per row, at least 1.</param>
    /// <param name="seed">The seed of the sampling.</param>
    /// <param name="sparse">Whether rows are offered as nonzeros (<see cref="Add(ReadOnlySpan{int}, ReadOnlySpan{float}, float)"/>)
    /// and kept as CSR, instead of dense.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is less than 1, or the sample would exceed the largest array.</exception>
    public RowReservoir(int capacity, int featureCount, int seed, bool sparse = false)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be at least 1.");
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1.");
        if (!sparse && (long)capacity * featureCount > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity x featureCount must not exceed {Array.MaxLength}.");
        Capacity = capacity;
        FeatureCount = featureCount;
        IsSparse = sparse;
        _features = sparse ? [] : new float[capacity * featureCount];
        _labels = new float[capacity];
        if (sparse)
        {
            _rowIndices = new int[capacity][];
            _rowValues = new float[capacity][];
            _rowLengths = new int[capacity];
        }
        _random = new SplitMix64(seed, stream: 0x5EED_5A3B_1E00UL);
    }

    /// <summary>Gets the largest number of rows kept.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets whether rows are kept as their nonzeros.</summary>
    public bool IsSparse { get; }

    /// <summary>Gets the number of rows offered so far.</summary>
    public long RowsSeen { get; private set; }

    /// <summary>Gets the number of rows kept: <c>min(RowsSeen, Capacity)</c>.</summary>
    public int Count => (int)Math.Min(RowsSeen, Capacity);

    /// <summary>Offers one dense row to the sample (it is copied if kept).</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="FeatureCount"/> values.</exception>
    /// <exception cref="InvalidOperationException">The reservoir keeps sparse rows.</exception>
    public void Add(ReadOnlySpan<float> features, float label)
    {
        if (IsSparse)
            throw new InvalidOperationException("This reservoir keeps sparse rows: offer their nonzeros.");
        int d = FeatureCount;
        if (features.Length != d)
            throw new ArgumentException($"Rows must have {d} features; got {features.Length}.", nameof(features));
        long slot = NextSlot();
        if (slot < Capacity)
        {
            features.CopyTo(_features.AsSpan((int)slot * d, d));
            _labels[slot] = label;
        }
    }

    /// <summary>Offers one sparse row, as its nonzeros, to the sample (they are copied if kept).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="InvalidOperationException">The reservoir keeps dense rows.</exception>
    public void Add(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float label)
    {
        if (!IsSparse)
            throw new InvalidOperationException("This reservoir keeps dense rows: offer all their values.");
        if (indices.Length != values.Length)
            throw new ArgumentException($"{indices.Length} indices but {values.Length} values.", nameof(indices));
        long slot = NextSlot();
        if (slot >= Capacity)
            return;
        int k = (int)slot;
        if (_rowIndices![k] is not { } kept || kept.Length < indices.Length)
        {
            _rowIndices[k] = new int[indices.Length];
            _rowValues![k] = new float[indices.Length];
        }
        indices.CopyTo(_rowIndices[k]);
        values.CopyTo(_rowValues![k]);
        _rowLengths![k] = indices.Length;
        _labels[k] = label;
    }

    // The slot row RowsSeen goes to (≥ Capacity: not kept).
    private long NextSlot()
    {
        long slot = RowsSeen;
        if (slot >= Capacity)
        {
            // A uniform draw in [0, RowsSeen]: the high 64 bits of a 64 x 64-bit product (Lemire); its bias is at most (RowsSeen + 1) / 2^64.
            slot = (long)Math.BigMul(_random.NextUInt64(), (ulong)RowsSeen + 1, out _);
        }
        RowsSeen++;
        return slot;
    }

    /// <summary>Returns the sample as a dense dataset (a copy), rows in slot order.</summary>
    /// <exception cref="InvalidOperationException">No row was offered.</exception>
    public DenseDataset ToDenseDataset()
    {
        var rows = ToRows();
        return rows as DenseDataset ?? throw new InvalidOperationException("This reservoir keeps sparse rows: use ToRows.");
    }

    /// <summary>Returns the sample (a copy) in the storage it keeps: a <see cref="DenseDataset"/> or a <see cref="CsrDataset"/>.</summary>
    /// <exception cref="InvalidOperationException">No row was offered.</exception>
    public TrainingRows ToRows()
    {
        int m = Count;
        if (m == 0)
            throw new InvalidOperationException("The reservoir is empty: no row was offered.");
        if (!IsSparse)
            return new DenseDataset(_features.AsSpan(0, m * FeatureCount).ToArray(), _labels.AsSpan(0, m).ToArray(), FeatureCount);
        var starts = new int[m + 1];
        for (int k = 0; k < m; k++)
            starts[k + 1] = checked(starts[k] + _rowLengths![k]);
        var indices = new int[starts[m]];
        var values = new float[starts[m]];
        for (int k = 0; k < m; k++)
        {
            _rowIndices![k].AsSpan(0, _rowLengths![k]).CopyTo(indices.AsSpan(starts[k]));
            _rowValues![k].AsSpan(0, _rowLengths[k]).CopyTo(values.AsSpan(starts[k]));
        }
        return new CsrDataset(starts, indices, values, _labels.AsSpan(0, m).ToArray(), FeatureCount);
    }
}
