namespace MlNetGd.Trainers.Core;

/// <summary>What a fit did: the cost per epoch, the learning rate it used and why it stopped.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(List<EpochRecord> epochs, float learningRate, bool learningRateWasAutomatic, StopReason stopReason, int? bestEpoch,
        RowSourceInfo rows)
    {
        BestEpoch = bestEpoch;
        RowSource = rows.Source;
        SkippedRowCount = rows.SkippedRowCount;
        ReusedCacheFile = rows.ReusedCacheFile;
        Epochs = epochs;
        LearningRate = learningRate;
        LearningRateWasAutomatic = learningRateWasAutomatic;
        StopReason = stopReason;
    }

    /// <summary>Gets one record per epoch run, in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>Gets the number of epochs run.</summary>
    public int EpochCount => Epochs.Count;

    /// <summary>Gets the training cost of the last epoch.</summary>
    public double FinalCost => Epochs.Count == 0 ? double.NaN : Epochs[^1].TrainingCost;

    /// <summary>Gets the learning rate the fit started with.</summary>
    public float LearningRate { get; }

    /// <summary>Gets whether <see cref="LearningRate"/> was chosen from the curvature of the data rather than given.</summary>
    public bool LearningRateWasAutomatic { get; }

    /// <summary>Gets the epoch whose weights were kept because its validation cost was the lowest; <see langword="null"/> without a validation set.</summary>
    public int? BestEpoch { get; }

    /// <summary>Gets how many times divergence was rolled back and the rate halved over the whole fit.</summary>
    public int Recoveries => Epochs.Sum(e => e.Recoveries);

    /// <summary>Gets why the fit ended.</summary>
    public StopReason StopReason { get; }

    /// <summary>Gets how many input rows were left out because a label or feature was NaN or infinite
    /// (only when the trainer's <c>SkipNonFiniteRows</c> option is on; otherwise such a row is an error).</summary>
    public long SkippedRowCount { get; }

    /// <summary>Gets where the epochs read their rows from: a copy in memory, the caller's in-memory data in place, or a cache file.</summary>
    public RowSource RowSource { get; }

    /// <summary>Gets whether the fit trained from an existing cache file (<c>CacheFilePath</c>) without reading its source.</summary>
    public bool ReusedCacheFile { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{EpochCount} epochs, final cost {FinalCost:G6}, learning rate {LearningRate:G4}{(LearningRateWasAutomatic ? " (automatic)" : "")}, stopped: {StopReason}" +
        (BestEpoch is int best ? $", kept epoch {best} (validation cost {Epochs[best - 1].ValidationCost:G6})" : "") +
        (Recoveries > 0 ? $", {Recoveries} divergence recoveries (final rate {Epochs[^1].LearningRate:G4})" : "") +
        (SkippedRowCount > 0 ? $", {SkippedRowCount} non-finite rows skipped" : "");
}
