namespace MlNetGd.Trainers.Core;

/// <summary>Where a fit's rows come from: a copy in memory (<see cref="CachedBatches"/>), the caller's data read in place
/// (<see cref="PassBatches"/>) or a cache file (<see cref="CacheFileBatchSource"/>). A fit sees its rows only through this: the
/// survey reads <see cref="OpenPass"/>, and the one training loop
/// (<see cref="GradientDescentLoop.Run(TrainingSession, IBatchSource, CancellationToken)"/>) reads the batches, the same way for
/// every source. A new way in (a shard on another machine) is one more implementation.</summary>
/// <remarks>Per epoch: <see cref="BeginEpoch"/>, then <see cref="TryGetBatch"/> until it returns <see langword="false"/>, then
/// <see cref="EndEpoch"/>. A batch is valid until the next call; the source owns its buffers and allocates nothing per batch.
/// Every source cuts its n training rows into K = ⌈n/B⌉ batches of equal size (⌊n/K⌋ or ⌈n/K⌉ rows), so without shuffling all
/// sources give the same batches of the same rows.</remarks>
public interface IBatchSource
{
    /// <summary>Gets the number of features per row (d).</summary>
    int FeatureCount { get; }

    /// <summary>Gets whether batches are CSR (the rows' nonzeros) rather than dense.</summary>
    bool IsSparse { get; }

    /// <summary>Gets the number of training rows an epoch visits (n; held-out rows not counted).</summary>
    long RowCount { get; }

    /// <summary>Gets the smallest batch, in rows (⌊n/K⌋): the automatic rate is set for it.</summary>
    long SmallestBatch { get; }

    /// <summary>Returns the training rows as a pass in their stored order, for the survey (<see cref="Survey"/>); valid while the
    /// source is, and not while an epoch is being read.</summary>
    IRowPass OpenPass();

    /// <summary>Starts epoch <paramref name="epoch"/> (from 1); the source chooses the order of its rows from it.</summary>
    void BeginEpoch(int epoch);

    /// <summary>Returns the next batch of the epoch, or <see langword="false"/> when the epoch has no more rows.</summary>
    bool TryGetBatch(out RowBlock batch);

    /// <summary>Ends epoch <paramref name="epoch"/>; a stream checks here that it returned the rows it promised.</summary>
    void EndEpoch(int epoch);

    /// <summary>Gets the held-out rows measured after each epoch (no rows when there are none).</summary>
    RowBlock Validation { get; }
}
