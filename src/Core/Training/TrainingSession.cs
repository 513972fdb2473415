using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>One fit in progress, between its survey and its history: batches in (<see cref="TrainBatch(in RowBlock)"/>), epochs
/// closed (<see cref="EndEpoch(RowBlock)"/>) — ML.NET's Begin/Process/Finish of its online trainers, scikit-learn's plain SGD loop.</summary>
/// <remarks>
/// <para>It wires parts that each do one job and are called at named points: the step (<see cref="StepEngine"/>: the gradient, the
/// optimizer, L1 and the running average of the iterates) per batch; the divergence guard (<see cref="DivergenceGuard"/>) per batch
/// and per epoch; the validation tracker, the stopping policy (<see cref="StoppingPolicy"/>) and the rate schedule per epoch; the
/// history (<see cref="HistoryBuilder"/>), built once at the end. The optimizer works in the standardized space when the fit has a
/// <see cref="FeatureStandardization"/>; the model holds raw weights, set at the end of each epoch to the epoch's average of its
/// iterates (<see cref="GradientDescentSettings.Averaged"/>) or its last iterate.</para>
/// <para>Buffers are allocated once; <see cref="TrainBatch(in RowBlock)"/> and <see cref="EndEpoch(RowBlock)"/> allocate nothing
/// (beyond the history list, whose capacity is the epoch limit, up to <see cref="MaxInitialHistoryCapacity"/>).</para>
/// </remarks>
public sealed class TrainingSession
{
    /// <summary>How many times the starting scale (or the first epoch's cost) a cost may reach before training counts as diverged.</summary>
    public const double DivergenceFactor = 1e4;

    /// <summary>How many times the first epoch's cost the last epoch's cost may be before the whole run counts as diverged.</summary>
    public const double FinalGrowthFactor = 10;

    /// <summary>The most epoch records reserved up front, so a huge <c>NumberOfEpochs</c> does not reserve gigabytes.</summary>
    public const int MaxInitialHistoryCapacity = 4096;

    /// <summary>The fewest optimizer steps without a relative improvement of <see cref="GradientDescentSettings.Tolerance"/> on the
    /// best epoch cost after which training counts as converged (and always at least one whole epoch).</summary>
    /// <remarks>With few batches per epoch, one epoch's cost is too noisy, or (with momentum) too oscillating, to judge convergence on.</remarks>
    public const int MinStepsWithoutImprovement = 64;

    /// <summary>How many times a fit with a constant schedule halves its rate where its cost stops improving, before it counts as
    /// converged (<see cref="StoppingPolicy"/>).</summary>
    public const int MaxAnnealings = 3;

    /// <summary>The factor the rate is multiplied by at each annealing.</summary>
    public const double AnnealingFactor = 0.5;

    /// <summary>The most recoveries one fit may make under <see cref="DivergenceAction.Recover"/> before it throws.</summary>
    public const int MaxRecoveries = 20;

    private readonly GradientDescentSettings _settings;
    private readonly LinearModel _model;
    private readonly FeatureStandardization? _standardization;
    private readonly StepEngine _engine;
    private readonly DivergenceGuard _guard;
    private readonly ValidationTracker _validation;
    private readonly StoppingPolicy _policy;
    private readonly LearningRateScheduler _scheduler;
    private readonly HistoryBuilder _history;
    private readonly TrainingRows? _sample;
    private readonly float[] _theta, _average, _initialParameters;
    private readonly float _learningRate;
    private readonly int _halfFirstEpoch; // the step of the first epoch at which the returned model is measured, or 0
    private EpochTally _tally;
    private double _halfEpochCost = double.NaN;
    private double _scheduleFactor;
    private StopReason? _stopReason;

    /// <summary>Starts a fit of <paramref name="model"/> (trained in place from its current parameters).</summary>
    /// <param name="settings">The settings; validated now.</param>
    /// <param name="model">The model to train.</param>
    /// <param name="learningRate">The learning rate to start with (already chosen, given or automatic).</param>
    /// <param name="learningRateWasAutomatic">Whether it was chosen automatically (recorded in the history).</param>
    /// <param name="suggestLearningRate">Called only on divergence, to name a stable rate in the error.</param>
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for the one <see cref="GradientDescentSettings.Optimizer"/> names.</param>
    /// <param name="standardization">The standardized space the optimizer works in, or <see langword="null"/> for raw parameters.
    /// The session does not read <see cref="GradientDescentSettings.StandardizeFeatures"/>: a fit's <see cref="Survey"/> computes it.</param>
    /// <exception cref="ArgumentException">The standardization's feature count differs from the model's.</exception>
    public TrainingSession(GradientDescentSettings settings, LinearModel model, float learningRate, bool learningRateWasAutomatic,
        Func<float> suggestLearningRate, IOptimizer? optimizer = null, FeatureStandardization? standardization = null)
        : this(settings, model, learningRate, learningRateWasAutomatic, suggestLearningRate, optimizer, standardization, null, new RowSourceInfo(RowSource.Copy))
    {
    }

    private TrainingSession(GradientDescentSettings settings, LinearModel model, float learningRate, bool learningRateWasAutomatic,
        Func<float> suggestLearningRate, IOptimizer? optimizer, FeatureStandardization? standardization, Survey? survey, RowSourceInfo rows)
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
        _standardization = standardization;
        _sample = survey?.Sample;
        _initialParameters = (float[])model.Parameters.Clone();
        // Halfway through the first epoch the average of the iterates so far is measured on the sample: if the second half then
        // leaves it no better, the returned model has stopped moving and a second epoch would not change it (StoppingPolicy).
        int batches = survey is null ? 0 : GradientDescentLoop.BatchCount((int)Math.Min(survey.RowCount, int.MaxValue), settings.BatchSize);
        _halfFirstEpoch = settings.Averaged && batches / 2 >= MinStepsWithoutImprovement ? batches / 2 : 0;
        _theta = new float[p];
        _average = new float[p];
        if (standardization is null)
            model.Parameters.CopyTo(_theta, 0);
        else
            standardization.FromRaw(model.Parameters, _theta);
        _engine = StepEngine.Create(settings, model.FeatureCount, standardization, optimizer, learningRate, survey?.Sample.IsSparse == true);
        _engine.Load(_theta);
        _guard = new DivergenceGuard(settings.OnDivergence, learningRateWasAutomatic, suggestLearningRate, _theta);
        _validation = new ValidationTracker(p);
        _policy = new StoppingPolicy(settings, _validation);
        _scheduler = new LearningRateScheduler(settings);
        _scheduleFactor = _scheduler.Factor(1, double.NaN);
        _history = new HistoryBuilder(settings, learningRate, learningRateWasAutomatic, rows);
    }

    /// <summary>Chooses the learning rate of a fit from its survey, and starts its session.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="survey">The survey of the training rows (<see cref="Survey.Take(IBatchSource, bool, CancellationToken)"/>).</param>
    /// <param name="smallestBatch">The smallest batch the fit will train on (the automatic rate is set for it).</param>
    /// <param name="model">The model to train; a fresh Adam/AdamW fit in the standardized space, or a fresh fit with an L2 penalty, starts its
    /// bias at the mean label.</param>
    /// <param name="optimizer">A given optimizer, or <see langword="null"/> for the one the settings name.</param>
    /// <param name="rows">Where the rows come from, for the history.</param>
    /// <remarks>
    /// The automatic learning rate is the curvature rate of <see cref="CurvatureEstimator"/> in the optimizer's space,
    /// <c>1/(λmax + 2λ₂ + max(tr(H), 2‖x̃‖²max)/(B(1 − μ)²))</c> with momentum μ and L2 penalty λ₂, which amplifies the minibatch noise (with 1/(1 − μ) alone,
    /// momentum 0.9 was unstable on the Boston housing data with two batches per epoch); for Adam/AdamW it is
    /// <see cref="Adam.SuggestLearningRate"/>, 0.01 × the deviation of the labels. Adam moves each parameter by about η per step, so
    /// from 0 the bias would need ȳ/η steps: a fresh Adam fit in the standardized space starts its bias at the mean label, its optimum there;
    /// so does a fresh fit with an L2 penalty (standardized or not), whose rate the penalty bounds while the bias is not penalized.
    /// </remarks>
    public static TrainingSession Start(GradientDescentSettings settings, Survey survey, long smallestBatch, LinearModel model,
        IOptimizer? optimizer = null, RowSourceInfo? rows = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(survey);
        ArgumentNullException.ThrowIfNull(model);
        if (survey.FeatureCount != model.FeatureCount)
            throw new ArgumentException($"The model has {model.FeatureCount} features but the data has {survey.FeatureCount}.", nameof(model));
        var standardization = settings.StandardizeFeatures ? survey.Standardization : null;
        double noiseScale = settings.Optimizer is OptimizerKind.Momentum or OptimizerKind.Nesterov ? 1 / ((1 - settings.Momentum) * (1 - (double)settings.Momentum)) : 1;
        TrainingRows sample = survey.Sample;
        int batch = (int)Math.Clamp(smallestBatch, 1, int.MaxValue);
        float CurvatureRate()
        {
            var (lambda, trace) = CurvatureEstimator.Estimate(sample, sample.RowCount, standardization);
            // The L2 penalty adds 2λ₂ to every eigenvalue of the cost's Hessian: without it a large λ₂ diverged at once.
            return CurvatureEstimator.SuggestLearningRate(lambda + 2.0 * settings.L2Regularization, trace * noiseScale, survey.LargestRowNorm * noiseScale, batch);
        }

        bool curvatureBased = OptimizerFactory.UsesCurvatureRate(settings.Optimizer);
        float learningRate = settings.LearningRate ?? (curvatureBased ? CurvatureRate() : Adam.SuggestLearningRate(sample.Labels));
        // The bias is never penalized: under a large L2 the curvature rate (≤ 1/2λ₂) would move it from 0 too slowly to arrive. The mean
        // label is the best bias for the start's zero weights, so the start's cost is never higher; on raw (uncentered) features too,
        // where the optimum's bias ȳ − w*·x̄ tends to it as λ₂ grows (w* → 0).
        bool biasAtMean = optimizer is null && ((standardization is not null && !curvatureBased) || settings.L2Regularization > 0)
            && !model.Parameters.AsSpan().ContainsAnyExcept(0f);
        if (biasAtMean)
            model.Bias = (float)Mean(sample.Labels);
        var session = new TrainingSession(settings, model, learningRate, settings.LearningRate is null, CurvatureRate, optimizer, standardization,
            survey, rows ?? new RowSourceInfo(RowSource.Copy));
        if (biasAtMean)
            session._initialParameters[^1] = 0; // a failed or cancelled fit puts the model back as the caller gave it
        session._guard.SetReference(SquaredResiduals(sample, model).Largest);
        return session;
    }

    /// <summary>Surveys the first <paramref name="rowCount"/> rows of <paramref name="data"/> and starts a session on them
    /// (<see cref="Start(GradientDescentSettings, Survey, long, LinearModel, IOptimizer?, RowSourceInfo?)"/>).</summary>
    public static TrainingSession Start(GradientDescentSettings settings, TrainingRows data, int rowCount, int smallestBatch, LinearModel model,
        IOptimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        var survey = Survey.Take(new TrainingRowsPass(data, rowCount), data.IsSparse, settings.StandardizeFeatures);
        return Start(settings, survey, smallestBatch, model, optimizer);
    }

    /// <summary>Gets the epoch in progress, from 1.</summary>
    public int Epoch => _history.Count + 1;

    /// <summary>Gets whether training should stop: the epoch limit, the tolerance or early stopping was reached.</summary>
    public bool IsFinished => _stopReason is not null;

    /// <summary>Gets the learning rate the next step uses (the start rate after recoveries, the schedule and annealing).</summary>
    public float LearningRate => CurrentRate;

    /// <summary>Gets the parameters, in the optimizer's space (standardized when the fit standardizes), that the next epoch starts
    /// from: what a fit whose epochs run elsewhere hands its workers (<see cref="EndEpoch(in EpochOutcome, RowBlock)"/>).</summary>
    public ReadOnlySpan<float> NextEpochParameters => _theta;

    /// <summary>Gets the largest cost a batch may have before it counts as divergence (<see cref="DivergenceFactor"/> × the starting
    /// scale; infinite until the scale is known).</summary>
    public double BatchCostLimit => _guard.BatchCostLimit;

    private float CurrentRate => (float)Math.Max(_learningRate * _guard.RateScale * _scheduleFactor * _policy.RateFactor, float.Epsilon);

    /// <summary>Computes the cost and gradient of one dense batch and steps the optimizer.</summary>
    /// <param name="features">The batch rows, row-major (B x d), raw.</param>
    /// <param name="labels">The batch labels (B).</param>
    /// <returns>The batch cost before the step.</returns>
    /// <exception cref="TrainingDivergedException">The cost is not finite or exploded and <see cref="GradientDescentSettings.OnDivergence"/>
    /// is <see cref="DivergenceAction.Throw"/> (or recoveries ran out); the model is restored to its starting parameters.</exception>
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
        float rate = CurrentRate;
        double cost = _engine.Step(in batch, rate, _guard.BatchCostLimit);
        if (!_guard.HasReference)
            _guard.SetReference(Math.Max(cost, batch.RowCount == 0 ? 0 : Square(TensorPrimitives.MaxMagnitude(batch.Labels))));
        if (double.IsFinite(cost) && cost <= _guard.BatchCostLimit)
        {
            _tally.Add(cost, batch.RowCount);
            if (_tally.Batches == _halfFirstEpoch && _history.Count == 0)
                MeasureHalfEpoch();
            return cost;
        }
        try
        {
            _guard.OnDiverged(cost, rate, Epoch, beforeAnyStep: _history.Count == 0 && _tally.Batches == 0);
        }
        catch (TrainingDivergedException)
        {
            Restore();
            throw;
        }
        RollBack();
        return cost;
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
    /// <exception cref="TrainingDivergedException">The parameters are not finite, or the cost grew by orders of magnitude, under
    /// <see cref="DivergenceAction.Throw"/>; the model is restored to its starting parameters.</exception>
    /// <exception cref="InvalidOperationException">No batch was trained in the epoch, or training already finished.</exception>
    public bool EndEpoch(RowBlock validation)
    {
        if (_stopReason is not null)
            throw new InvalidOperationException("Training has already finished.");
        if (_tally.Rows == 0 && _guard.RecoveriesThisEpoch == 0)
            throw new InvalidOperationException("An epoch must train at least one batch.");
        _engine.Store(_theta, _average);
        return Conclude(validation, _engine.Steps);
    }

    /// <summary>Closes an epoch whose batches were stepped elsewhere — the row-weighted reduction of shards' local epochs, each
    /// started from <see cref="NextEpochParameters"/> at <see cref="LearningRate"/> — with the same divergence checks, history,
    /// validation, schedule and stopping rules as a local epoch.</summary>
    /// <param name="outcome">The epoch's parameters, averaged iterate, cost, rows and steps.</param>
    /// <param name="validation">Held-out rows, or no rows for none.</param>
    /// <returns><see langword="true"/> when training should stop.</returns>
    /// <exception cref="ArgumentException">The outcome's parameters are not d + 1 long, or it has no rows.</exception>
    /// <inheritdoc cref="EndEpoch(RowBlock)" path="/exception"/>
    public bool EndEpoch(in EpochOutcome outcome, RowBlock validation)
    {
        if (_stopReason is not null)
            throw new InvalidOperationException("Training has already finished.");
        if (outcome.Parameters.Length != _theta.Length || outcome.Average.Length != _theta.Length)
            throw new ArgumentException($"The outcome has {outcome.Parameters.Length} parameters; the model has {_theta.Length}.", nameof(outcome));
        if (outcome.Rows < 1 || outcome.Steps < 1)
            throw new ArgumentException("An epoch must train at least one batch.", nameof(outcome));
        _tally = EpochTally.Of(outcome.Cost, outcome.Rows, outcome.Steps);
        outcome.Parameters.CopyTo(_theta);
        outcome.Average.CopyTo(_average);
        return Conclude(validation, outcome.Steps);
    }

    /// <summary>Reports that a batch stepped elsewhere had a cost that was not finite or above <see cref="BatchCostLimit"/>: under
    /// <see cref="DivergenceAction.Recover"/> the rate is halved and <see cref="NextEpochParameters"/> go back to the last good epoch's
    /// (the epoch is then run again); otherwise it throws.</summary>
    /// <exception cref="TrainingDivergedException">Under <see cref="DivergenceAction.Throw"/>, or when recoveries ran out; the model is
    /// restored to its starting parameters.</exception>
    public void ReportDivergedBatch(double cost)
    {
        try
        {
            _guard.OnDiverged(cost, CurrentRate, Epoch, beforeAnyStep: _history.Count == 0);
        }
        catch (TrainingDivergedException)
        {
            Restore();
            throw;
        }
        RollBack();
    }

    private bool Conclude(RowBlock validation, int stepsSinceLoad)
    {
        try
        {
            return ConcludeChecked(validation, stepsSinceLoad);
        }
        catch (TrainingDivergedException)
        {
            Restore();
            throw;
        }
    }

    private bool ConcludeChecked(RowBlock validation, int stepsSinceLoad)
    {
        int epoch = Epoch;
        float rate = CurrentRate;
        double epochCost = _tally.Cost;
        int steps = _tally.Batches;
        _tally = default;
        bool finite = TensorPrimitives.IsFiniteAll<float>(_theta);
        bool rolledBack = _guard.RolledBack(epochCost, finite, rate, epoch);
        if (rolledBack)
        {
            _guard.LastGood.CopyTo(_theta);
            _engine.ResetOptimizer();
            epochCost = finite ? epochCost : double.NaN;
        }
        ToModel(_settings.Averaged && stepsSinceLoad > 0 && !rolledBack ? _average : _theta);
        double validationCost = validation.RowCount > 0 ? MseLoss.Cost(_model.Parameters, validation) : double.NaN;
        if (validation.RowCount > 0)
            _validation.Observe(epoch, validationCost, _model.Parameters);
        _history.Add(new EpochRecord(epoch, epochCost, CurrentRate, validationCost, _guard.RecoveriesThisEpoch)); // after any halving in it
        int recoveries = _guard.RecoveriesThisEpoch;
        _guard.Commit(_theta);
        // The returned model is judged on the held-out rows when there are some (wide data: the sample is training rows it fits
        // ever better), else on the survey's sample.
        double returnedCost = !_policy.MeasuresSample(steps, rolledBack) ? double.NaN
            : validation.RowCount > 0 ? validationCost
            : _sample is not null ? SquaredResiduals(_sample, _model).Mean : double.NaN;
        double halfEpochCost = validation.RowCount > 0 ? double.NaN : _halfEpochCost;
        _halfEpochCost = double.NaN;
        _stopReason = _policy.EndEpoch(new EpochFigures(epoch, epochCost, returnedCost, validationCost, steps, recoveries, rolledBack, halfEpochCost));
        if (_stopReason is not null)
        {
            _guard.CheckFinalGrowth(epochCost, rate, epoch);
            _validation.RestoreBest(_model.Parameters);
            return true;
        }
        _scheduleFactor = _scheduler.Factor(epoch + 1, validation.RowCount > 0 ? validationCost : epochCost);
        _engine.Load(_theta);
        return false;
    }

    // The first epoch's average so far, on the sample (the model is overwritten again when the epoch ends).
    private void MeasureHalfEpoch()
    {
        if (_sample is null || _guard.RecoveriesThisEpoch > 0 || !_policy.MeasuresSample(_tally.Batches, rolledBack: false))
            return;
        _engine.Store(_theta, _average);
        ToModel(_average);
        _halfEpochCost = SquaredResiduals(_sample, _model).Mean;
    }

    /// <summary>Puts the model's parameters back as they were when the session started (after a failure or cancellation).</summary>
    public void Restore() => _initialParameters.CopyTo(_model.Parameters, 0);

    /// <summary>Returns the history of the finished fit.</summary>
    /// <exception cref="InvalidOperationException">Training has not finished.</exception>
    public TrainingHistory ToHistory() =>
        _history.Build(_stopReason ?? throw new InvalidOperationException("Training has not finished."),
            _validation.BestEpoch > 0 ? _validation.BestEpoch : null);

    // After a recovery: back to the last good parameters, the optimizer's state forgotten, the epoch's tally started again.
    private void RollBack()
    {
        _guard.LastGood.CopyTo(_theta);
        _engine.Load(_guard.LastGood);
        _engine.ResetOptimizer();
        _tally.Restart();
    }

    private void ToModel(ReadOnlySpan<float> theta)
    {
        if (_standardization is null)
            theta.CopyTo(_model.Parameters);
        else
            _standardization.ToRaw(theta, _model.Parameters);
    }

    private static double Square(double value) => value * value;

    // The largest and the mean squared residual of a model over the survey's sample. The largest, for the starting model, is the
    // scale a single batch's cost is compared with to detect divergence. (The first batch's own cost is no reference: with small
    // batches it can be tiny, and a later ordinary batch would look like divergence.) The mean judges annealing and stalling.
    private static (double Largest, double Mean) SquaredResiduals(TrainingRows sample, LinearModel model)
    {
        double largest = 0, sum = 0;
        RowBlock rows = sample.Rows();
        for (int k = 0; k < rows.RowCount; k++)
        {
            double r = rows.Dot(k, model.Weights) + model.Bias - (double)rows.Labels[k];
            largest = Math.Max(largest, r * r);
            sum += r * r;
        }
        return (largest, sum / rows.RowCount);
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
            sum += v;
        return values.IsEmpty ? 0 : sum / values.Length;
    }

    // The epoch's batches: their row-weighted cost and their count. A recovery starts the cost again but keeps the count of steps.
    private struct EpochTally
    {
        private double _weightedCost;

        public long Rows { get; private set; }

        public int Batches { get; private set; }

        public readonly double Cost => Rows > 0 ? _weightedCost / Rows : double.NaN;

        public void Add(double cost, int rows)
        {
            _weightedCost += cost * rows;
            Rows += rows;
            Batches++;
        }

        public static EpochTally Of(double cost, long rows, int batches) =>
            new() { _weightedCost = cost * rows, Rows = rows, Batches = batches };

        public void Restart()
        {
            _weightedCost = 0;
            Rows = 0;
        }
    }
}
