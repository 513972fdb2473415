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

    /// <summary>Gets the number of batches per epoch (K).</summary>
    public int BatchCount => _batchCount;

    /// <summary>Gets the smallest batch, in rows (⌊n/K⌋): the automatic rate is set for it.</summary>
    public int SmallestBatch => _trainingRows / _batchCount;

    /// <inheritdoc/>
    public int FeatureCount => _data.FeatureCount;

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
