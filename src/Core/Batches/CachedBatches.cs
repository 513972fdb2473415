using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>The batches of cached rows, dense or CSR: K = ⌈n/B⌉ contiguous blocks of equal size (⌊n/K⌋ or ⌈n/K⌉ rows, so there
/// is no small, noisy last block), visited per epoch in an order drawn from <c>(Seed, epoch)</c> (<see cref="BatchOrder"/>); the
/// rows after the first n are the validation set.</summary>
public sealed class CachedBatches : IBatchSource
{
    private readonly TrainingRows _data;
    private readonly int _trainingRows;
    private readonly int _batchCount;
    private readonly int _heldOut;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly BatchOrder _order;
    private int[] _epochOrder = [];
    private int _next;

    /// <summary>Plans the batches of the first <paramref name="trainingRows"/> rows of <paramref name="data"/>; the rest are held out.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CachedBatches(TrainingRows data, int trainingRows, int batchSize, bool shuffle, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingRows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainingRows, data.RowCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _data = data;
        _trainingRows = trainingRows;
        _heldOut = data.RowCount - trainingRows;
        _batchCount = GradientDescentLoop.BatchCount(trainingRows, batchSize);
        _shuffle = shuffle;
        _seed = seed;
        // Super-blocks of batches are sized in bytes: a CSR row costs 8 bytes a stored value, a dense one 4 a feature.
        long bytesPerRow = (data.StoredValueCount * (data.IsSparse ? 2 : 1) / data.RowCount + 1) * sizeof(float);
        _order = new BatchOrder(_batchCount, (trainingRows + _batchCount - 1) / _batchCount * bytesPerRow);
    }

    /// <summary>The batches of a fit on rows in memory: the last <c>round(ValidationFraction × n)</c> rows are held out
    /// (<see cref="GradientDescentLoop.ValidationRowCount"/>; shuffle the rows first), the rest cut into batches of
    /// <see cref="GradientDescentSettings.BatchSize"/> rows at most.</summary>
    /// <exception cref="ArgumentException">There are no rows, or the validation rows would leave none to train on.</exception>
    public static CachedBatches ForFit(TrainingRows data, GradientDescentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (data.RowCount == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        int held = GradientDescentLoop.ValidationRowCount(data.RowCount, settings.ValidationFraction);
        if (data.RowCount - held < 1)
            throw new ArgumentException(
                $"ValidationFraction = {settings.ValidationFraction} holds out all {data.RowCount} rows; at least 2 rows are needed to train and validate.",
                nameof(data));
        return new CachedBatches(data, data.RowCount - held, settings.BatchSize, settings.Shuffle, settings.Seed);
    }

    /// <summary>Gets the number of batches per epoch (K).</summary>
    public int BatchCount => _batchCount;

    /// <inheritdoc/>
    public long SmallestBatch => _trainingRows / _batchCount;

    /// <inheritdoc/>
    public int FeatureCount => _data.FeatureCount;

    /// <inheritdoc/>
    public bool IsSparse => _data.IsSparse;

    /// <inheritdoc/>
    public long RowCount => _trainingRows;

    /// <inheritdoc/>
    public IRowPass OpenPass() => new TrainingRowsPass(_data, _trainingRows);

    /// <inheritdoc/>
    public RowBlock Validation => _data.Rows(_trainingRows, _heldOut);

    /// <inheritdoc/>
    public void BeginEpoch(int epoch)
    {
        _order.Next(_shuffle, _seed, epoch);
        _next = 0;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGetBatch(out RowBlock batch)
    {
        ReadOnlySpan<int> order = _order.Current;
        if (_next >= order.Length)
        {
            batch = default;
            return false;
        }
        int k = order[_next++];
        int start = GradientDescentLoop.BatchStart(k, _trainingRows, _batchCount);
        batch = _data.Rows(start, GradientDescentLoop.BatchStart(k + 1, _trainingRows, _batchCount) - start);
        return true;
    }

    /// <inheritdoc/>
    public void EndEpoch(int epoch)
    {
    }
}
