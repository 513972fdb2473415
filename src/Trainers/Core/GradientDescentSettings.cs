namespace MlNetGd.Trainers.Core;

/// <summary>The settings of a gradient-descent fit, shared by the numeric core and the ML.NET trainer's <c>Options</c>.</summary>
/// <remarks>Defaults live here as named constants, so the options, the catalog methods and the CLI agree.</remarks>
public class GradientDescentSettings
{
    /// <summary>The default batch size.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>The default maximum number of epochs.</summary>
    public const int DefaultNumberOfEpochs = 100;

    /// <summary>The default relative-improvement tolerance.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>The default seed.</summary>
    public const int DefaultSeed = 0;

    /// <summary>The largest accepted <see cref="NumberOfThreads"/>.</summary>
    public const int MaxNumberOfThreads = 1024;

    /// <summary>Gets or sets the learning rate η, or <see langword="null"/> to choose it from the curvature of the data.</summary>
    /// <value>Default <see langword="null"/>: automatic, <c>η = 1 / (λmax + tr(H)/B)</c> for the MSE Hessian <c>H = (2/n)X̃ᵀX̃</c>
    /// (see <see cref="CurvatureEstimator"/>), which is stable on unnormalized data.</value>
    public float? LearningRate { get; set; }

    /// <summary>Gets or sets the number of rows per minibatch: 1 is pure SGD, the row count (or more) is full-batch gradient descent.</summary>
    /// <value>Default 256. A value above the row count means full batch. The last batch of an epoch may be smaller.</value>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Gets or sets the maximum number of passes over the data.</summary>
    /// <value>Default 100.</value>
    public int NumberOfEpochs { get; set; } = DefaultNumberOfEpochs;

    /// <summary>Gets or sets whether the minibatch order is shuffled every epoch (seeded by <see cref="Seed"/> and the epoch).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Gets or sets the seed of every random choice; the same seed gives the same model bit for bit.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; } = DefaultSeed;

    /// <summary>Gets or sets the relative cost improvement under which training stops early: it stops after an epoch whose
    /// training cost fell by no more than <c>Tolerance × previous cost</c>. 0 runs every epoch.</summary>
    /// <value>Default 1e-4.</value>
    public double Tolerance { get; set; } = DefaultTolerance;

    /// <summary>Gets or sets the number of threads a large batch's gradient is spread over (see <see cref="BatchGradient"/>);
    /// the model is bit-identical whatever the number.</summary>
    /// <value>Default <see langword="null"/>: all cores. 0 also means all cores; 1 keeps training on the calling thread.</value>
    public int? NumberOfThreads { get; set; }

    /// <summary>Gets or sets a callback invoked after every epoch with that epoch's figures (watching a fit).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public Action<EpochRecord>? EpochCompleted { get; set; }

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
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be a finite number >= 0 (0 disables early stopping).");
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
