namespace MlNetGd.Trainers.Core;

/// <summary>The settings of a gradient-descent fit, shared by the numeric core and the ML.NET trainer's <c>Options</c>.</summary>
/// <remarks>Defaults live here as named constants, so the options, the catalog methods and the CLI agree.</remarks>
public record class GradientDescentSettings
{
    /// <summary>The default batch size.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>The default maximum number of epochs.</summary>
    public const int DefaultNumberOfEpochs = 100;

    /// <summary>The default relative-improvement tolerance.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>The default seed.</summary>
    public const int DefaultSeed = 0;

    /// <summary>The default momentum μ of <see cref="OptimizerKind.Momentum"/> and <see cref="OptimizerKind.Nesterov"/>.</summary>
    public const float DefaultMomentum = 0.9f;

    /// <summary>The default decay factor γ of the step, exponential and plateau schedules.</summary>
    public const float DefaultDecayFactor = 0.5f;

    /// <summary>The default number of epochs between two decays of the step schedule.</summary>
    public const int DefaultDecayEpochs = 10;

    /// <summary>The default power p of the inverse-scaling schedule.</summary>
    public const float DefaultDecayPower = 0.5f;

    /// <summary>The default number of epochs without improvement before the plateau schedule decays the rate.</summary>
    public const int DefaultPlateauPatience = 3;

    /// <summary>The default number of epochs without a better validation cost before early stopping.</summary>
    public const int DefaultEarlyStoppingPatience = 5;

    /// <summary>The largest allowed <see cref="ValidationFraction"/>.</summary>
    public const double MaxValidationFraction = 0.5;

    /// <summary>The largest accepted <see cref="NumberOfThreads"/>.</summary>
    public const int MaxNumberOfThreads = 1024;

    /// <summary>Gets or sets the learning rate η, or <see langword="null"/> to choose it from the curvature of the data.</summary>
    /// <value>Default <see langword="null"/>: automatic, <c>η = 1 / (λmax + tr(H)/B)</c> for the MSE Hessian <c>H = (2/n)X̃ᵀX̃</c>
    /// (see <see cref="CurvatureEstimator"/>), which is stable on unnormalized data.</value>
    public float? LearningRate { get; init; }

    /// <summary>Gets or sets the number of rows per minibatch: 1 is pure SGD, the row count (or more) is full-batch gradient descent.</summary>
    /// <value>Default 256. A value above the row count means full batch. When the rows do not divide evenly, the batches are made
    /// equal (differing by one row at most), so each is at most this size and none is a tiny remainder.</value>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Gets or sets the maximum number of passes over the data.</summary>
    /// <value>Default 100.</value>
    public int NumberOfEpochs { get; init; } = DefaultNumberOfEpochs;

    /// <summary>Gets or sets whether the minibatch order is shuffled every epoch (seeded by <see cref="Seed"/> and the epoch).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Shuffle { get; init; } = true;

    /// <summary>Gets or sets the seed of every random choice; the same seed gives the same model bit for bit.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Gets or sets the relative improvement under which training counts as converged: it stops after an epoch whose
    /// cost is not below <c>(1 − Tolerance) × the best epoch cost so far</c>, once no epoch has beaten that for at least
    /// <see cref="TrainingSession.MinStepsWithoutImprovement"/> optimizer steps (so at least one epoch; more when epochs have
    /// few batches, whose costs are noisy). 0 runs every epoch.</summary>
    /// <value>Default 1e-4.</value>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Gets or sets the update rule.</summary>
    /// <value>Default <see cref="OptimizerKind.Sgd"/>. With an automatic learning rate, SGD, momentum and Nesterov use the
    /// curvature rate and Adam/AdamW use <see cref="Adam.SuggestLearningRate"/> (0.01 × the labels' deviation).</value>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>Gets or sets the momentum μ of <see cref="OptimizerKind.Momentum"/> and <see cref="OptimizerKind.Nesterov"/> (ignored by the others).</summary>
    /// <value>Default 0.9.</value>
    public float Momentum { get; init; } = DefaultMomentum;

    /// <summary>Gets or sets λ₂ of the L2 penalty: the cost is <c>MSE + λ₂‖W‖² + λ₁‖W‖₁</c>, the bias never penalized (no ½).</summary>
    /// <value>Default 0.</value>
    /// <remarks>It enters the optimizer as PyTorch's <c>weight_decay = 2λ₂</c>: added to the gradient for SGD, momentum and Adam,
    /// decoupled (<c>θ ← θ − η·2λ₂·θ</c>) for AdamW. With <see cref="StandardizeFeatures"/> on, W are the weights of the
    /// standardized features (as behind a <c>NormalizeMeanVariance</c>); turn it off to penalize the raw weights.</remarks>
    public float L2Regularization { get; init; }

    /// <summary>Gets or sets λ₁ of the L1 penalty (see <see cref="L2Regularization"/> for the cost), applied after every step by
    /// the proximal soft-threshold <c>wⱼ ← sign(wⱼ)·max(|wⱼ| − η·λ₁, 0)</c>, the bias excluded.</summary>
    /// <value>Default 0.</value>
    public float L1Regularization { get; init; }

    /// <summary>Gets or sets how the learning rate changes from epoch to epoch.</summary>
    /// <value>Default <see cref="LearningRateSchedule.Constant"/>.</value>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Gets or sets γ of the step, exponential and plateau schedules.</summary>
    /// <value>Default 0.5.</value>
    public float DecayFactor { get; init; } = DefaultDecayFactor;

    /// <summary>Gets or sets the number of epochs between two decays of the step schedule.</summary>
    /// <value>Default 10.</value>
    public int DecayEpochs { get; init; } = DefaultDecayEpochs;

    /// <summary>Gets or sets the power p of the inverse-scaling schedule.</summary>
    /// <value>Default 0.5.</value>
    public float DecayPower { get; init; } = DefaultDecayPower;

    /// <summary>Gets or sets how many epochs without improvement the plateau schedule waits before decaying the rate.</summary>
    /// <value>Default 3.</value>
    public int PlateauPatience { get; init; } = DefaultPlateauPatience;

    /// <summary>Gets or sets the fraction of rows held out to measure a validation cost every epoch; 0 turns early stopping off.</summary>
    /// <value>Default 0. The core holds out the last rows; the ML.NET trainer shuffles the rows with <see cref="Seed"/> first.</value>
    /// <remarks>When on, training stops after <see cref="EarlyStoppingPatience"/> epochs without a better validation cost, and
    /// whatever stops it, the weights of the epoch with the lowest validation cost are restored.</remarks>
    public double ValidationFraction { get; init; }

    /// <summary>Gets or sets how many epochs without a better validation cost end training (with <see cref="ValidationFraction"/> &gt; 0).</summary>
    /// <value>Default 5.</value>
    public int EarlyStoppingPatience { get; init; } = DefaultEarlyStoppingPatience;

    /// <summary>Gets or sets what happens when training diverges.</summary>
    /// <value>Default <see cref="DivergenceAction.Throw"/>.</value>
    public DivergenceAction OnDivergence { get; init; } = DivergenceAction.Throw;

    /// <summary>Gets or sets whether each epoch ends on the average of its iterates (Polyak–Ruppert averaging) rather than the last one.</summary>
    /// <value>Default <see langword="true"/>: it removes most of the minibatch noise of a constant rate. The next epoch goes on
    /// from the last iterate; the averaged weights are what is validated, reported and returned.</value>
    public bool Averaged { get; init; } = true;

    /// <summary>Gets or sets whether the optimizer works on internally standardized features (see <see cref="FeatureStandardization"/>).</summary>
    /// <value>Default <see langword="true"/>: it makes raw features with very different scales train as fast as normalized ones.
    /// The data is not changed and the model is returned in raw space. A given <see cref="LearningRate"/> then applies to the
    /// standardized parameters.</value>
    public bool StandardizeFeatures { get; init; } = true;

    /// <summary>Gets or sets the number of threads a large batch's gradient is spread over (see <see cref="BatchGradient"/>);
    /// the model is bit-identical whatever the number.</summary>
    /// <value>Default <see langword="null"/>: all cores. 0 also means all cores; 1 keeps training on the calling thread.</value>
    public int? NumberOfThreads { get; init; }

    /// <summary>Gets or sets a callback invoked after every epoch with that epoch's figures (watching a fit).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public Action<EpochRecord>? EpochCompleted { get; init; }

    /// <summary>Checks every setting and throws for the first one out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; <c>ParamName</c> names it and the message gives the allowed range.</exception>
    public virtual void Validate()
    {
        if (LearningRate is float lr)
            CheckLearningRate(lr, nameof(LearningRate));
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be at least 1 (1 = pure SGD; the row count or more = full batch).");
        if (NumberOfEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(NumberOfEpochs), NumberOfEpochs, "must be at least 1.");
        if (NumberOfThreads is < 0 or > MaxNumberOfThreads)
            throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), NumberOfThreads,
                $"must be in range [0, {MaxNumberOfThreads}] (null or 0 = all cores, 1 = single-threaded).");
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be a finite number >= 0 (0 runs every epoch).");
        CheckDefined(Optimizer, nameof(Optimizer));
        if (!(Momentum >= 0 && Momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "must be in range [0, 1).");
        CheckPenalty(L2Regularization, nameof(L2Regularization));
        CheckPenalty(L1Regularization, nameof(L1Regularization));
        CheckDefined(Schedule, nameof(Schedule));
        if (!(DecayFactor > 0 && DecayFactor < 1))
            throw new ArgumentOutOfRangeException(nameof(DecayFactor), DecayFactor, "must be in range (0, 1).");
        if (DecayEpochs < 1)
            throw new ArgumentOutOfRangeException(nameof(DecayEpochs), DecayEpochs, "must be at least 1.");
        if (!(DecayPower > 0 && DecayPower <= 1))
            throw new ArgumentOutOfRangeException(nameof(DecayPower), DecayPower, "must be in range (0, 1].");
        if (PlateauPatience < 1)
            throw new ArgumentOutOfRangeException(nameof(PlateauPatience), PlateauPatience, "must be at least 1.");
        if (!(ValidationFraction >= 0 && ValidationFraction <= MaxValidationFraction))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "must be in range [0, 0.5] (0 turns early stopping off).");
        if (EarlyStoppingPatience < 1)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be at least 1.");
        CheckDefined(OnDivergence, nameof(OnDivergence));
        if (Optimizer == OptimizerKind.Nesterov && Momentum == 0)
            throw new ArgumentException($"{nameof(Optimizer)} = Nesterov needs {nameof(Momentum)} > 0; set {nameof(Momentum)} (e.g. 0.9) or use Sgd.", nameof(Momentum));
        if (Optimizer == OptimizerKind.Momentum && Momentum == 0)
            throw new ArgumentException($"{nameof(Optimizer)} = Momentum needs {nameof(Momentum)} > 0; set {nameof(Momentum)} (e.g. 0.9) or use Sgd.", nameof(Momentum));
    }

    private static void CheckPenalty(float value, string name)
    {
        if (!(value >= 0) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, "must be a finite number >= 0 (0 turns the penalty off).");
    }

    private static void CheckDefined<T>(T value, string name)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException(name, value, $"must be one of {string.Join(", ", Enum.GetNames<T>())}.");
    }

    /// <summary>Returns <paramref name="value"/> when it is a valid learning rate, and throws otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public static float CheckLearningRate(float value, string paramName)
    {
        if (!(value > 0) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(paramName, value, "must be a finite number greater than 0 (leave it unset to choose it automatically).");
        return value;
    }
}
