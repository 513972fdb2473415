using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>The batches of cached rows, dense or CSR: K = ⌈n/B⌉ contiguous blocks of equal size (⌊n/K⌋ or ⌈n/K⌉ rows, so there
/// is no small, noisy last block), visited per epoch in an order drawn from <c>(Seed, epoch)</c> (<see cref="BatchOrder"/>); the
/// held-out rows, if any, are a set of their own.</summary>
public sealed class CachedBatches : IBatchSource
{
    private readonly TrainingRows _data;
    private readonly TrainingRows? _validation;
    private readonly int _trainingRows;
    private readonly int _batchCount;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly BatchOrder _order;
    private int _next;

    /// <summary>Plans the batches of <paramref name="training"/>; <paramref name="validation"/> holds the held-out rows, if any.</summary>
    /// <exception cref="ArgumentException">There are no training rows, or the validation rows have another feature count or storage.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public CachedBatches(TrainingRows training, int batchSize, bool shuffle, int seed, TrainingRows? validation = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (training.RowCount == 0)
            throw new ArgumentException("The training data has no rows.", nameof(training));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (validation is not null && (validation.FeatureCount != training.FeatureCount || validation.IsSparse != training.IsSparse))
            throw new ArgumentException("The validation rows must have the training rows' feature count and storage.", nameof(validation));
        _data = training;
        _validation = validation is { RowCount: > 0 } ? validation : null;
        _trainingRows = training.RowCount;
        _batchCount = GradientDescentLoop.BatchCount(_trainingRows, batchSize);
        _shuffle = shuffle;
        _seed = seed;
        // Super-blocks of batches are sized in bytes: a CSR row costs 8 bytes a stored value, a dense one 4 a feature.
        long bytesPerRow = (training.StoredValueCount * (training.IsSparse ? 2 : 1) / training.RowCount + 1) * sizeof(float);
        _order = new BatchOrder(_batchCount, (_trainingRows + _batchCount - 1) / _batchCount * bytesPerRow);
    }

    /// <summary>The batches of a fit on rows in memory: the rows the settings hold out (<see cref="HoldOut.Decide"/>: evenly spaced by
    /// position) are split off first (the training rows and the held-out rows then each a copy: the caller's rows are not changed), and
    /// the rest cut into batches of <see cref="GradientDescentSettings.BatchSize"/> rows at most.</summary>
    /// <exception cref="ArgumentException">There are no rows, or the held-out rows would leave none to train on.</exception>
    public static CachedBatches ForFit(TrainingRows data, GradientDescentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (data.RowCount == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        return Of(data, settings, shuffleRows: false, default);
    }

    /// <summary>The batches of a fit on a copy of its rows that the fit owns (the trainer's <c>RowSource.Copy</c>): the rows the settings
    /// hold out are split off with the copy's seeded shuffle (one gather, no second copy kept), or, when none are, the copy is shuffled
    /// once with the seed in place.</summary>
    /// <param name="rows">The copy; shuffled in place, or replaced by the split.</param>
    /// <param name="settings">The fit's settings.</param>
    /// <param name="cancellationToken">Checked while the hold-out reads the rows.</param>
    /// <exception cref="ArgumentException">There are no rows, or the held-out rows would leave none to train on.</exception>
    public static CachedBatches ForCopy(TrainingRows rows, GradientDescentSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        return Of(rows, settings, shuffleRows: settings.Shuffle, cancellationToken);
    }

    // The hold-out decided and split off (shuffled with the seed when the rows may be shuffled), then the batches.
    private static CachedBatches Of(TrainingRows rows, GradientDescentSettings settings, bool shuffleRows, CancellationToken cancellationToken)
    {
        var holdOut = HoldOut.Decide(settings, new TrainingRowsPass(rows, rows.RowCount), rows.IsSparse, cancellationToken);
        TrainingRows? heldOut = null;
        if (holdOut.IsActive)
        {
            holdOut.CheckLeavesTrainingRows(rows.RowCount);
            (rows, heldOut) = rows.Split(holdOut, shuffleRows ? settings.Seed : null);
        }
        else if (shuffleRows)
        {
            rows.ShuffleRows(settings.Seed);
        }
        return new CachedBatches(rows, settings.BatchSize, settings.Shuffle, settings.Seed, heldOut);
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
    public RowBlock Validation => _validation is null ? RowBlock.Dense([], [], _data.FeatureCount) : _validation.Rows();

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
