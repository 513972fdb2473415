namespace MlNetGd.Trainers.Core;

/// <summary>Collects a fit's epoch records (announcing each to <see cref="GradientDescentSettings.EpochCompleted"/>) and builds its
/// <see cref="TrainingHistory"/> once, when it ends.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<EpochRecord> _epochs;
    private readonly Action<EpochRecord>? _epochCompleted;
    private readonly float _learningRate;
    private readonly bool _automatic;
    private readonly RowSourceInfo _rows;

    public HistoryBuilder(GradientDescentSettings settings, float learningRate, bool automatic, RowSourceInfo rows)
    {
        _epochs = new List<EpochRecord>(Math.Min(settings.NumberOfEpochs, TrainingSession.MaxInitialHistoryCapacity));
        _epochCompleted = settings.EpochCompleted;
        _learningRate = learningRate;
        _automatic = automatic;
        _rows = rows;
    }

    /// <summary>Gets the number of epochs recorded.</summary>
    public int Count => _epochs.Count;

    /// <summary>Records an epoch.</summary>
    public void Add(in EpochRecord record)
    {
        _epochs.Add(record);
        _epochCompleted?.Invoke(record);
    }

    /// <summary>Returns the history of the ended fit.</summary>
    public TrainingHistory Build(StopReason stopReason, int? bestEpoch) =>
        new(_epochs, _learningRate, _automatic, stopReason, bestEpoch, _rows);
}
