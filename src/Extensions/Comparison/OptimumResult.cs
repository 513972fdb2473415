namespace MlNetGd.Comparison;

/// <summary>The exact least-squares optimum of each fold's training rows (normal equations in double), scored on its test rows.</summary>
public sealed class OptimumResult
{
    /// <summary>Gets whether the optimum exists on every fold (the normal equations were not singular).</summary>
    public bool IsAvailable => Note is null;

    /// <summary>Gets why the optimum is missing (a singular system, naming the fold), or <see langword="null"/>.</summary>
    public string? Note { get; init; }

    /// <summary>Gets a warning that the optimum's test figures are not a floor (fewer than two training rows per parameter, so it fits
    /// the training rows almost exactly and may generalize worse than a trainer that stops early), or <see langword="null"/>.</summary>
    public string? Caveat { get; init; }

    /// <summary>Gets why some of its figures are undefined although it exists (R² of test labels that are all equal), or <see langword="null"/>.</summary>
    public string? MetricsNote { get; init; }

    /// <summary>Gets the RMSE on the test rows over the folds.</summary>
    public MetricSummary Rmse { get; init; }

    /// <summary>Gets the MAE on the test rows over the folds.</summary>
    public MetricSummary Mae { get; init; }

    /// <summary>Gets R² on the test rows over the folds.</summary>
    public MetricSummary RSquared { get; init; }

    /// <summary>Gets the MSE on each fold's training rows.</summary>
    public IReadOnlyList<double> TrainingMse { get; init; } = [];

    /// <summary>Gets the MSE on each fold's test rows.</summary>
    public IReadOnlyList<double> TestMse { get; init; } = [];
}
