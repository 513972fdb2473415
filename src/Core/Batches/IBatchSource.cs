namespace MlNetGd.Trainers.Core;

/// <summary>Where a fit's minibatches come from: cached rows in memory, or a cache file on disk read every epoch. The one training
/// loop (<see cref="GradientDescentLoop.Run(TrainingSession, IBatchSource, CancellationToken)"/>) reads every source the same way.</summary>
/// <remarks>Per epoch: <see cref="BeginEpoch"/>, then <see cref="TryGetBatch"/> until it returns <see langword="false"/>, then
/// <see cref="EndEpoch"/>. A batch is valid until the next call; the source owns its buffers and allocates nothing per batch.</remarks>
public interface IBatchSource
{
    /// <summary>Gets the number of features per row (d).</summary>
    int FeatureCount { get; }

    /// <summary>Starts epoch <paramref name="epoch"/> (from 1); the source chooses the order of its rows from it.</summary>
    void BeginEpoch(int epoch);

    /// <summary>Returns the next batch of the epoch, or <see langword="false"/> when the epoch has no more rows.</summary>
    bool TryGetBatch(out RowBlock batch);

    /// <summary>Ends epoch <paramref name="epoch"/>; a stream checks here that it returned the rows it promised.</summary>
    void EndEpoch(int epoch);

    /// <summary>Gets the held-out rows measured after each epoch (no rows when there are none).</summary>
    RowBlock Validation { get; }
}
