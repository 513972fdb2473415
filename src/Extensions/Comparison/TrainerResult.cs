namespace MlNetGd.Comparison;

/// <summary>One trainer's results over every fold.</summary>
public sealed class TrainerResult
{
    /// <summary>Gets the trainer.</summary>
    public ComparisonTrainer Trainer { get; init; }

    /// <summary>Gets the short name (gd, sdca, ogd, poisson, fasttree).</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the display name.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>Gets whether the trainer fits a linear least-squares model.</summary>
    public bool IsLinear { get; init; }

    /// <summary>Gets why the trainer failed (for example Poisson regression on negative labels), or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the RMSE over the folds.</summary>
    public MetricSummary Rmse { get; init; }

    /// <summary>Gets the MAE over the folds.</summary>
    public MetricSummary Mae { get; init; }

    /// <summary>Gets R² over the folds.</summary>
    public MetricSummary RSquared { get; init; }

    /// <summary>Gets the median fit time in seconds over every fold and repeat.</summary>
    public double FitSeconds { get; init; }

    /// <summary>Gets how many fits the trainer ran (every fold and timing repeat; for a failed trainer, those before the failure and the
    /// fit that failed, if it got to fitting).</summary>
    public int FitCount { get; init; }

    /// <summary>Gets the seconds of all those fits together: a failed trainer's too (the folds it finished, whose figures are not
    /// reported, and the failed fit until it failed), since a fit that fails costs the user its time as well.</summary>
    public double TotalFitSeconds { get; init; }

    /// <summary>Gets the most threads the trainer may use: 1 for the ML.NET trainers as the comparison configures them (SDCA, Poisson and
    /// FastTree are given NumberOfThreads = 1; OnlineGradientDescent has one), GradientDescent's NumberOfThreads (default all cores),
    /// which it uses only for batches of <see cref="MlNetGd.Trainers.Core.BatchGradient.DefaultMinParallelRows"/> rows or more.</summary>
    public int NumberOfThreads { get; init; } = 1;

    /// <summary>Gets the median scoring throughput over the folds, rows per second.</summary>
    public double ScoringRowsPerSecond { get; init; }

    /// <summary>Gets how far the mean RMSE is from the least-squares optimum's, relative to it: (RMSE − optimum) / max(optimum,
    /// <see cref="ComparisonResult.GapFloor"/> × the label's standard deviation) (0.01 = 1% worse; negative = better). NaN when the
    /// optimum is not available or the label is constant (there is nothing to be relative to).</summary>
    public double GapToOptimum { get; init; } = double.NaN;

    /// <summary>Gets why <see cref="GapToOptimum"/> is undefined (the trainer failed, the label is constant, there is no optimum), or
    /// <see langword="null"/> when it is a number. results.json writes the undefined gap as <c>null</c> with this note beside it.</summary>
    public string? GapToOptimumNote { get; init; }

    /// <summary>Gets why some of <see cref="Rmse"/>, <see cref="Mae"/>, <see cref="RSquared"/> or the folds' figures are undefined (R² of
    /// test labels that are all equal; every figure of a model that predicts NaN), or <see langword="null"/> when each is a number.</summary>
    public string? MetricsNote { get; init; }

    /// <summary>Gets the per-fold figures.</summary>
    public IReadOnlyList<FoldMetrics> Folds { get; init; } = [];

    /// <summary>Gets the test labels of every fold, in fold order (paired with <see cref="Predicted"/>).</summary>
    public IReadOnlyList<float> Actual { get; init; } = [];

    /// <summary>Gets the predictions for <see cref="Actual"/>.</summary>
    public IReadOnlyList<float> Predicted { get; init; } = [];

    /// <summary>Gets GradientDescent's cost curves, one per fold (empty for other trainers).</summary>
    public IReadOnlyList<EpochCurve> CostCurves { get; init; } = [];
}
