namespace MlNetGd.Trainers.Core;

/// <summary>One fit in progress: batches in, optimizer steps, per-epoch accounting, divergence checks and stopping decisions.</summary>
/// <remarks>
/// <para>This is the part of the minibatch loop that does not care where batches come from: <see cref="GradientDescentLoop"/>
/// feeds it contiguous blocks of a cached <see cref="DenseDataset"/>, and a streaming reader can feed it batches from a cursor.
/// Per batch it computes the MSE and its gradient (<see cref="SquaredLoss"/>), checks the cost is finite, and lets the optimizer step;
/// per epoch it records the cost, checks for growth by <see cref="DivergenceFactor"/>, and tests the tolerance.</para>
/// <para>It allocates its buffers once; <see cref="TrainBatch"/> and <see cref="EndEpoch"/> allocate nothing (beyond the history list,
/// whose capacity is the epoch limit).</para>
/// </remarks>
public sealed class TrainingSession
{
    /// <summary>How many times the first epoch's cost an epoch's cost may reach before training counts as diverged.</summary>
    public const double DivergenceFactor = 1e4;

    private readonly GradientDescentSettings _settings;
    private readonly LinearModel _model;
    private readonly IOptimizer _optimizer;
    private readonly float[] _gradient;
    private readonly BatchGradient _batchGradient;
    private readonly float[] _initialParameters;
    private readonly List<EpochRecord> _epochs;
    private readonly Func<float> _suggestLearningRate;
    private readonly bool _automatic;
    private readonly float _learningRate;
    private double _weightedCost;
    private long _rowsThisEpoch;
    private double _firstCost = double.NaN;
    private double _previousCost = double.NaN;
    private StopReason? _stopReason;

    /// <summary>Starts a fit of <paramref name="model"/> (trained in place from its current parameters).</summary>
    /// <param name="settings">The settings; validated now.</param>
    /// <param name="model">The model to train.</param>
    /// <param name="learningRate">The learning rate to start with (already chosen, given or automatic).</param>
    /// <param name="learningRateWasAutomatic">Whether it was chosen automatically (recorded in the history).</param>
    /// <param name="suggestLearningRate">Called only on divergence, to name a stable rate in the error.</param>
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for <see cref="Sgd"/>.</param>
    public TrainingSession(GradientDescentSettings settings, LinearModel model, float learningRate, bool learningRateWasAutomatic,
        Func<float> suggestLearningRate, IOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(suggestLearningRate);
        settings.Validate();
        GradientDescentSettings.CheckLearningRate(learningRate, nameof(learningRate));
        _settings = settings;
        _model = model;
        _learningRate = learningRate;
        _automatic = learningRateWasAutomatic;
        _suggestLearningRate = suggestLearningRate;
        _optimizer = optimizer ?? new Sgd(learningRate);
        _optimizer.LearningRate = learningRate;
        _optimizer.Reset(model.Parameters.Length);
        _gradient = new float[model.Parameters.Length];
        _batchGradient = new BatchGradient(model.Parameters.Length, settings.NumberOfThreads ?? 0);
        _initialParameters = (float[])model.Parameters.Clone();
        _epochs = new List<EpochRecord>(settings.NumberOfEpochs);
    }

    /// <summary>Gets the epoch in progress, from 1.</summary>
    public int Epoch => _epochs.Count + 1;

    /// <summary>Gets whether training should stop: the epoch limit is reached or the tolerance was met.</summary>
    public bool IsFinished => _stopReason is not null;

    /// <summary>Computes the cost and gradient of one batch and steps the optimizer.</summary>
    /// <param name="features">The batch rows, row-major (B x d).</param>
    /// <param name="labels">The batch labels (B).</param>
    /// <returns>The batch cost before the step.</returns>
    /// <exception cref="TrainingDivergedException">The cost is not finite; the model is restored to its starting parameters.</exception>
    public double TrainBatch(ReadOnlySpan<float> features, ReadOnlySpan<float> labels)
    {
        double cost = _batchGradient.Compute(_model.Parameters, features, labels, _gradient);
        if (!double.IsFinite(cost))
            throw Diverged(cost);
        _optimizer.Step(_model.Parameters, _gradient);
        _weightedCost += cost * labels.Length;
        _rowsThisEpoch += labels.Length;
        return cost;
    }

    /// <summary>Closes the epoch: records its cost, checks for divergence, and decides whether to stop.</summary>
    /// <returns><see langword="true"/> when training should stop.</returns>
    /// <exception cref="TrainingDivergedException">The parameters are not finite, or the cost grew by orders of magnitude.</exception>
    /// <exception cref="InvalidOperationException">No batch was trained in the epoch, or training already finished.</exception>
    public bool EndEpoch()
    {
        if (_stopReason is not null)
            throw new InvalidOperationException("Training has already finished.");
        if (_rowsThisEpoch == 0)
            throw new InvalidOperationException("An epoch must train at least one batch.");
        int epoch = Epoch;
        double epochCost = _weightedCost / _rowsThisEpoch;
        _weightedCost = 0;
        _rowsThisEpoch = 0;
        if (!_model.IsFinite)
            throw Diverged(double.NaN);
        if (epoch == 1)
            _firstCost = epochCost;
        else if (epochCost > DivergenceFactor * _firstCost && epochCost > 0)
            throw Diverged(epochCost);

        var record = new EpochRecord(epoch, epochCost, _optimizer.LearningRate);
        _epochs.Add(record);
        _settings.EpochCompleted?.Invoke(record);

        if (epoch > 1 && _settings.Tolerance > 0 && _previousCost - epochCost <= _settings.Tolerance * _previousCost)
            _stopReason = StopReason.Converged;
        else if (epoch >= _settings.NumberOfEpochs)
            _stopReason = StopReason.EpochLimit;
        _previousCost = epochCost;
        return _stopReason is not null;
    }

    /// <summary>Puts the model's parameters back as they were when the session started (after a failure or cancellation).</summary>
    public void Restore() => _initialParameters.CopyTo(_model.Parameters, 0);

    /// <summary>Returns the history of the finished fit.</summary>
    /// <exception cref="InvalidOperationException">Training has not finished.</exception>
    public TrainingHistory ToHistory() =>
        new(_epochs, _learningRate, _automatic, _stopReason ?? throw new InvalidOperationException("Training has not finished."));

    private TrainingDivergedException Diverged(double cost)
    {
        float rate = _optimizer.LearningRate;
        float suggestion;
        try
        {
            suggestion = Math.Min(_suggestLearningRate(), rate / 10);
        }
        catch (ArgumentException)
        {
            suggestion = rate / 10;
        }
        Restore();
        return new TrainingDivergedException(rate, Epoch, cost, suggestion);
    }
}
