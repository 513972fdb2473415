using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>One fit in progress: batches in, optimizer steps, per-epoch accounting, validation, schedules, divergence handling
/// and stopping decisions.</summary>
/// <remarks>
/// <para>This is the part of the minibatch loop that does not care where batches come from: <see cref="GradientDescentLoop"/>
/// feeds it contiguous blocks of a cached <see cref="DenseDataset"/>, and a streaming reader can feed it batches from a cursor.
/// Per batch it computes the MSE and its gradient on the raw rows (<see cref="MseLoss"/>), maps the gradient to the
/// optimizer's space (standardized when a <see cref="FeatureStandardization"/> is given), steps, applies the L1 proximal step,
/// and updates the epoch's running average. A batch whose cost is not finite or exceeds <see cref="DivergenceFactor"/> × the
/// first batch's scale counts as divergence at once.</para>
/// <para>Per epoch it puts the epoch's weights (averaged or last) into the model, measures the validation cost, keeps the best
/// weights, records an <see cref="EpochRecord"/>, checks for growth, sets the next epoch's scheduled rate, and decides whether
/// to stop. Buffers are allocated once; <see cref="TrainBatch(in RowBlock)"/> and <see cref="EndEpoch()"/> allocate nothing (beyond the
/// history list, whose capacity is the epoch limit, up to <see cref="MaxInitialHistoryCapacity"/>). A run that ends above
/// <see cref="FinalGrowthFactor"/> × its first epoch's cost counts as diverged, even if it never reached <see cref="DivergenceFactor"/>.</para>
/// </remarks>
public sealed partial class TrainingSession
{
    /// <summary>How many times the first epoch's cost (or the first batch's scale) a cost may reach before training counts as diverged.</summary>
    public const double DivergenceFactor = 1e4;

    /// <summary>How many times the first epoch's cost the last epoch's cost may be before the whole run counts as diverged.</summary>
    public const double FinalGrowthFactor = 10;

    /// <summary>The most epoch records reserved up front, so a huge <c>NumberOfEpochs</c> does not reserve gigabytes.</summary>
    public const int MaxInitialHistoryCapacity = 4096;

    /// <summary>The fewest optimizer steps without a relative improvement of <see cref="GradientDescentSettings.Tolerance"/> on the
    /// best epoch cost after which training counts as converged (and always at least one whole epoch).</summary>
    /// <remarks>With few batches per epoch, one epoch's cost is too noisy, or (with momentum) too oscillating, to judge convergence on.</remarks>
    public const int MinStepsWithoutImprovement = 64;

    /// <summary>How many times a fit with a constant schedule lowers its rate by <see cref="AnnealingFactor"/> where its cost stops
    /// improving, before it counts as converged.</summary>
    /// <remarks>With a constant rate, minibatch iterates hover above the optimum by about <c>η·tr(HΣ)/B</c>: per-epoch averaging
    /// removes part of it, not all. On one-hot data with rare levels (bench/Sparse) that floor was 0.6–0.9% above the optimum's
    /// training MSE; three halvings at the plateau brought it to about 0.1%, at the cost of a few more epochs. A halving is made only
    /// while the returned model's MSE on a fixed sample of the rows (the curvature sample: at most 16384 evenly spaced training rows,
    /// read in place) still improves by the tolerance — since the epoch cost last improved for the first, since the previous
    /// halving for the others — so a fit whose average already sits at the optimum makes none.</remarks>
    public const int MaxAnnealings = 3;

    /// <summary>The factor the rate is multiplied by at each annealing.</summary>
    public const double AnnealingFactor = 0.5;

    /// <summary>The most recoveries one fit may make under <see cref="DivergenceAction.Recover"/> before it throws.</summary>
    public const int MaxRecoveries = 20;

    private readonly GradientDescentSettings _settings;
    private readonly LinearModel _model;
    private readonly IOptimizer _optimizer;
    private readonly FeatureStandardization? _standardization;
    private readonly LearningRateScheduler _scheduler;
    private readonly float[] _gradient, _theta, _thetaGradient, _lastGood, _initialParameters;
    private readonly float[]? _average;
    private readonly float[] _best;
    private readonly BatchGradient _batchGradient;
    private readonly List<EpochRecord> _epochs;
    private readonly Func<float> _suggestLearningRate;
    private readonly bool _automatic;
    private readonly float _learningRate;
    private double _rateScale = 1, _scheduleFactor = 1;
    private double _weightedCost, _reference = double.NaN, _firstCost = double.NaN;
    private double _bestValidation = double.PositiveInfinity, _bestCost = double.PositiveInfinity;
    private long _stepsSinceImprovement;
    private long _rowsThisEpoch;
    private int _annealings, _batchesThisEpoch;
    private double _annealedCost, _sampleCostAtBest = double.NaN, _lastSampleCost = double.NaN;
    private TrainingRows? _evaluation;
    private int _evaluationRows;
    private readonly bool _lazyEligible;
    private LazySparseSgd? _lazy;
    private bool _lazyLoaded;
    private int _averageCount, _recoveriesThisEpoch, _totalRecoveries, _bestEpoch, _epochsSinceBest;
    private bool _modelStale = true;
    private StopReason? _stopReason;

    /// <summary>Starts a fit of <paramref name="model"/> (trained in place from its current parameters).</summary>
    /// <param name="settings">The settings; validated now.</param>
    /// <param name="model">The model to train.</param>
    /// <param name="learningRate">The learning rate to start with (already chosen, given or automatic).</param>
    /// <param name="learningRateWasAutomatic">Whether it was chosen automatically (recorded in the history).</param>
    /// <param name="suggestLearningRate">Called only on divergence, to name a stable rate in the error.</param>
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for the one <see cref="GradientDescentSettings.Optimizer"/> names.</param>
    /// <param name="standardization">The standardized space the optimizer works in, or <see langword="null"/> for raw parameters.
    /// The session does not read <see cref="GradientDescentSettings.StandardizeFeatures"/>: the caller computes the standardization
    /// (<see cref="FeatureStandardization.Compute"/>) from the training rows and passes it, as <see cref="GradientDescentLoop"/> does.</param>
    /// <exception cref="ArgumentException">The standardization's feature count differs from the model's.</exception>
    public TrainingSession(GradientDescentSettings settings, LinearModel model, float learningRate, bool learningRateWasAutomatic,
        Func<float> suggestLearningRate, IOptimizer? optimizer = null, FeatureStandardization? standardization = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(suggestLearningRate);
        settings.Validate();
        GradientDescentSettings.CheckLearningRate(learningRate, nameof(learningRate));
        if (standardization is not null && standardization.FeatureCount != model.FeatureCount)
            throw new ArgumentException($"The standardization has {standardization.FeatureCount} features but the model has {model.FeatureCount}.", nameof(standardization));
        int p = model.Parameters.Length;
        _settings = settings;
        _model = model;
        _learningRate = learningRate;
        _automatic = learningRateWasAutomatic;
        _suggestLearningRate = suggestLearningRate;
        _standardization = standardization;
        _scheduler = new LearningRateScheduler(settings);
        _scheduleFactor = _scheduler.Factor(1, double.NaN);
        _optimizer = optimizer ?? OptimizerFactory.Create(settings, learningRate);
        _lazyEligible = optimizer is null && settings.Optimizer == OptimizerKind.Sgd && settings.L1Regularization == 0;
        _optimizer.LearningRate = CurrentRate;
        _optimizer.Reset(p);
        _gradient = new float[p];
        _theta = new float[p];
        _thetaGradient = standardization is null ? _gradient : new float[p];
        _lastGood = new float[p];
        _best = new float[p];
        _average = settings.Averaged ? new float[p] : null;
        _batchGradient = new BatchGradient(p, settings.NumberOfThreads ?? 0);
        _initialParameters = (float[])model.Parameters.Clone();
        if (standardization is null)
            model.Parameters.CopyTo(_theta, 0);
        else
            standardization.FromRaw(model.Parameters, _theta);
        _theta.CopyTo(_lastGood, 0);
        _epochs = new List<EpochRecord>(Math.Min(settings.NumberOfEpochs, MaxInitialHistoryCapacity));
    }

    /// <summary>Gets the epoch in progress, from 1.</summary>
    public int Epoch => _epochs.Count + 1;

    /// <summary>Gets whether training should stop: the epoch limit, the tolerance or early stopping was reached.</summary>
    public bool IsFinished => _stopReason is not null;

    private float CurrentRate => (float)Math.Max(_learningRate * _rateScale * _scheduleFactor * Math.Pow(AnnealingFactor, _annealings), float.Epsilon);

    /// <summary>Computes the cost and gradient of one batch and steps the optimizer.</summary>
    /// <param name="features">The batch rows, row-major (B x d), raw.</param>
    /// <param name="labels">The batch labels (B).</param>
    /// <returns>The batch cost before the step.</returns>
    /// <exception cref="TrainingDivergedException">The cost is not finite or exploded and <see cref="GradientDescentSettings.OnDivergence"/>
    /// is <see cref="DivergenceAction.Throw"/> (or recoveries ran out); the model is restored to its starting parameters.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double TrainBatch(ReadOnlySpan<float> features, ReadOnlySpan<float> labels) =>
        TrainBatch(RowBlock.Dense(features, labels, _model.FeatureCount));

    /// <summary>Computes the cost and gradient of one batch, dense or CSR, and steps the optimizer.</summary>
    /// <param name="batch">The batch rows, raw.</param>
    /// <returns>The batch cost before the step.</returns>
    /// <exception cref="TrainingDivergedException">The cost is not finite or exploded and <see cref="GradientDescentSettings.OnDivergence"/>
    /// is <see cref="DivergenceAction.Throw"/> (or recoveries ran out); the model is restored to its starting parameters.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double TrainBatch(in RowBlock batch)
    {
        if (batch.IsSparse && _lazyEligible)
            return TrainSparseBatch(in batch);
        if (_lazyLoaded)
            UnloadLazy();
        if (_modelStale)
            SyncModel(_theta);
        ReadOnlySpan<float> labels = batch.Labels;
        double cost = _batchGradient.Compute(_model.Parameters, in batch, _gradient);
        if (double.IsNaN(_reference))
            _reference = Math.Max(cost, labels.IsEmpty ? 0 : Square(TensorPrimitives.MaxMagnitude(labels)));
        if (!double.IsFinite(cost) || (_reference > 0 && cost > DivergenceFactor * _reference))
        {
            OnDiverged(cost);
            return cost;
        }
        _standardization?.GradientToStandardized(_gradient, _thetaGradient);
        _optimizer.Step(_theta, _thetaGradient);
        if (_settings.L1Regularization > 0)
            SoftThreshold(_theta.AsSpan(0, _theta.Length - 1), _optimizer.LearningRate * _settings.L1Regularization);
        SyncModel(_theta);
        if (_average is not null)
        {
            float inverse = 1f / ++_averageCount;
            float[] average = _average, theta = _theta;
            for (int j = 0; j < average.Length; j++)
                average[j] += (theta[j] - average[j]) * inverse;
        }
        _weightedCost += cost * labels.Length;
        _rowsThisEpoch += labels.Length;
        _stepsSinceImprovement++;
        _batchesThisEpoch++;
        return cost;
    }

    // A CSR batch under plain SGD (L2 allowed, no L1, no given optimizer): O(nonzeros) per step (LazySparseSgd). The session's θ
    // and running average are brought up to date at the end of the epoch, or when a dense batch comes.
    private double TrainSparseBatch(in RowBlock batch)
    {
        _lazy ??= new LazySparseSgd(_model.FeatureCount, _standardization);
        if (!_lazyLoaded)
        {
            _lazy.Load(_theta);
            _lazyLoaded = true;
            _averageCount = 0;
        }
        double cost = _lazy.Step(in batch, _optimizer.LearningRate, 2 * _settings.L2Regularization);
        if (!double.IsFinite(cost) || (_reference > 0 && cost > DivergenceFactor * _reference))
        {
            OnDiverged(cost);
            return cost;
        }
        _weightedCost += cost * batch.RowCount;
        _rowsThisEpoch += batch.RowCount;
        _stepsSinceImprovement++;
        _batchesThisEpoch++;
        return cost;
    }

    // θ and the running average from the lazy state (O(d)).
    private void UnloadLazy()
    {
        _lazy!.Store(_theta, _average is null ? [] : _average);
        _averageCount = _average is null ? 0 : _lazy.Steps;
        _lazyLoaded = false;
        _modelStale = true;
    }

    /// <summary>Closes the epoch without a validation set.</summary>
    /// <inheritdoc cref="EndEpoch(RowBlock)"/>
    public bool EndEpoch() => EndEpoch(RowBlock.Dense([], [], _model.FeatureCount));

    /// <summary>Closes the epoch with a dense validation set.</summary>
    /// <inheritdoc cref="EndEpoch(RowBlock)"/>
    public bool EndEpoch(ReadOnlySpan<float> validationFeatures, ReadOnlySpan<float> validationLabels) =>
        EndEpoch(RowBlock.Dense(validationFeatures, validationLabels, _model.FeatureCount));

    /// <summary>Closes the epoch: records its cost and validation cost, checks for divergence, sets the next rate, and decides whether to stop.</summary>
    /// <param name="validation">Held-out rows, dense or CSR, or no rows for none.</param>
    /// <returns><see langword="true"/> when training should stop; the model then holds the final weights (the best epoch's with a validation set).</returns>
    /// <exception cref="TrainingDivergedException">The parameters are not finite, or the cost grew by orders of magnitude, under <see cref="DivergenceAction.Throw"/>.</exception>
    /// <exception cref="InvalidOperationException">No batch was trained in the epoch, or training already finished.</exception>
    public bool EndEpoch(RowBlock validation)
    {
        if (_stopReason is not null)
            throw new InvalidOperationException("Training has already finished.");
        if (_rowsThisEpoch == 0 && _recoveriesThisEpoch == 0)
            throw new InvalidOperationException("An epoch must train at least one batch.");
        if (_lazyLoaded)
            UnloadLazy();
        int epoch = Epoch;
        int batches = _batchesThisEpoch;
        _batchesThisEpoch = 0;
        double epochCost = _rowsThisEpoch > 0 ? _weightedCost / _rowsThisEpoch : double.NaN;
        _weightedCost = 0;
        _rowsThisEpoch = 0;
        bool rolledBack = false;
        if (!TensorPrimitives.IsFiniteAll<float>(_theta))
        {
            OnDiverged(double.NaN);
            epochCost = double.NaN;
            rolledBack = true;
        }
        else if (double.IsNaN(_firstCost))
        {
            _firstCost = epochCost;
        }
        else if (epochCost > DivergenceFactor * _firstCost && epochCost > 0)
        {
            OnDiverged(epochCost);
            rolledBack = true;
        }

        SyncModel(_average is not null && _averageCount > 0 ? _average : _theta);
        _theta.CopyTo(_lastGood, 0);
        bool validating = validation.RowCount > 0;
        double validationCost = double.NaN;
        if (validating)
        {
            validationCost = MseLoss.Cost(_model.Parameters, validation);
            if (validationCost < _bestValidation)
            {
                _bestValidation = validationCost;
                _bestEpoch = epoch;
                _epochsSinceBest = 0;
                _model.Parameters.CopyTo(_best, 0);
            }
            else
            {
                _epochsSinceBest++;
            }
        }

        var record = new EpochRecord(epoch, epochCost, _optimizer.LearningRate, validationCost, _recoveriesThisEpoch);
        _recoveriesThisEpoch = 0;
        _epochs.Add(record);
        _settings.EpochCompleted?.Invoke(record);

        // The returned model's MSE on the annealing sample, every epoch while the rate may still be annealed (O(16384 rows)).
        bool annealable = _settings.Schedule == LearningRateSchedule.Constant && batches > 1 && _evaluation is not null && !rolledBack
            && _settings.Tolerance > 0;
        double sampleCost = annealable ? SquaredResiduals(_evaluation!, _evaluationRows, _model).Mean : double.NaN;
        bool improved = !rolledBack && epochCost < _bestCost * (1 - _settings.Tolerance);
        if (!rolledBack && epochCost < _bestCost)
            _bestCost = epochCost;
        if (improved)
            _sampleCostAtBest = sampleCost; // where the epoch cost last improved by the tolerance: the plateau starts after it
        if (improved)
            _stepsSinceImprovement = 0;
        // Before any annealing, the model the fit returns (the per-epoch average; a last iterate is too noisy to judge this way)
        // stopped moving: an epoch of at least MinStepsWithoutImprovement steps did not improve its MSE on the fixed sample by the
        // tolerance. The iterates' own epoch cost may still creep down along their noise floor, but more epochs would not change
        // what is returned: on dense data the average sits at the optimum after an epoch or two while the epoch cost took two to
        // four more epochs to flatten. Once the rate has been halved, the annealing rule above decides (on Zipf one-hot data the
        // average's sample MSE moves by a few 0.01% an epoch, up and down, while each halving still gains).
        bool returnedModelStalled = annealable && _average is not null && _annealings == 0 && batches >= MinStepsWithoutImprovement
            && record.Recoveries == 0 && sampleCost >= _lastSampleCost * (1 - _settings.Tolerance);
        _lastSampleCost = sampleCost;
        if (validating && _epochsSinceBest >= _settings.EarlyStoppingPatience)
            _stopReason = StopReason.EarlyStopping;
        else if (returnedModelStalled)
            _stopReason = StopReason.Converged;
        else if (!improved && !rolledBack && _settings.Tolerance > 0 && _stepsSinceImprovement >= MinStepsWithoutImprovement)
        {
            // A constant rate leaves the iterates at a noise floor of about η·tr(HΣ)/B above the optimum; where the cost stops
            // improving there, lower the rate and go on, a few times, before calling the fit converged.
            // Only minibatch fits have that floor; one batch per epoch is plain gradient descent. After an annealing, one more
            // epoch without improvement is enough for the next.
            // A halving is made only while the model the fit returns (its MSE on a fixed sample of the rows) still moves by the
            // tolerance: since the epoch cost last improved for the first halving, since the previous halving for the others.
            // Where the averaged model already sits at the optimum (dense, well-conditioned data) none is made.
            bool anneal = false;
            if (annealable)
            {
                double reference = _annealings == 0 ? _sampleCostAtBest : _annealedCost;
                anneal = _annealings < MaxAnnealings && sampleCost < reference * (1 - _settings.Tolerance);
            }
            if (anneal)
            {
                _annealedCost = sampleCost;
                _annealings++;
                _stepsSinceImprovement = Math.Max(0, MinStepsWithoutImprovement - batches);
            }
            else
            {
                _stopReason = StopReason.Converged;
            }
        }
        else if (epoch >= _settings.NumberOfEpochs)
            _stopReason = StopReason.EpochLimit;

        // A run that ends far above where it started has diverged slowly, even if it never reached DivergenceFactor.
        if (_stopReason is not null && epoch > 1 && epochCost > FinalGrowthFactor * _firstCost && epochCost > 0)
            throw Diverged(epochCost);

        if (_stopReason is not null)
        {
            if (_bestEpoch > 0)
                _best.CopyTo(_model.Parameters, 0);
        }
        else
        {
            _scheduleFactor = _scheduler.Factor(epoch + 1, validating ? validationCost : epochCost);
            _optimizer.LearningRate = CurrentRate;
        }
        _averageCount = 0;
        _modelStale = true;
        return _stopReason is not null;
    }

    /// <summary>Puts the model's parameters back as they were when the session started (after a failure or cancellation).</summary>
    public void Restore() => _initialParameters.CopyTo(_model.Parameters, 0);

    /// <summary>Returns the history of the finished fit.</summary>
    /// <exception cref="InvalidOperationException">Training has not finished.</exception>
    public TrainingHistory ToHistory() =>
        new(_epochs, _learningRate, _automatic, _stopReason ?? throw new InvalidOperationException("Training has not finished."),
            _bestEpoch > 0 ? _bestEpoch : null);

    private static double Square(double value) => value * value;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SyncModel(ReadOnlySpan<float> theta)
    {
        if (_standardization is null)
            theta.CopyTo(_model.Parameters);
        else
            _standardization.ToRaw(theta, _model.Parameters);
        _modelStale = false;
    }

    private static void SoftThreshold(Span<float> weights, float threshold)
    {
        for (int j = 0; j < weights.Length; j++)
        {
            float w = weights[j];
            weights[j] = w > threshold ? w - threshold : w < -threshold ? w + threshold : 0f;
        }
    }

    private void OnDiverged(double cost)
    {
        if (_settings.OnDivergence == DivergenceAction.Throw || _totalRecoveries >= MaxRecoveries)
            throw Diverged(cost);
        _totalRecoveries++;
        _recoveriesThisEpoch++;
        _rateScale *= 0.5;
        _lastGood.CopyTo(_theta, 0);
        _lazyLoaded = false;
        SyncModel(_theta);
        _optimizer.Reset(_theta.Length);
        _optimizer.LearningRate = CurrentRate;
        _averageCount = 0;
        _weightedCost = 0;
        _rowsThisEpoch = 0;
    }

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
        // The scale is the cause when the cost overflowed on the very first batch, or the starting model's residuals are beyond
        // what single precision can square and sum (|r| above 1e15); anything that first trains and then runs away is the rate.
        bool valuesTooLarge = (!double.IsFinite(cost) && _epochs.Count == 0 && _batchesThisEpoch == 0) || _reference > 1e30;
        return new TrainingDivergedException(rate, Epoch, cost, suggestion, _automatic, valuesTooLarge);
    }
}
