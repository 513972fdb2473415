namespace MlNetGd.Comparison;

/// <summary>One trainer's figures on one fold's test rows.</summary>
public sealed class FoldMetrics
{
    /// <summary>Gets the fold number, from 1.</summary>
    public int Fold { get; init; }

    /// <summary>Gets the number of training rows.</summary>
    public int TrainRows { get; init; }

    /// <summary>Gets the number of test rows.</summary>
    public int TestRows { get; init; }

    /// <summary>Gets the root mean squared error on the test rows.</summary>
    public double Rmse { get; init; }

    /// <summary>Gets the mean absolute error on the test rows.</summary>
    public double Mae { get; init; }

    /// <summary>Gets the coefficient of determination on the test rows: 1 − Σ(p − y)² / Σ(y − ȳ)².</summary>
    public double RSquared { get; init; }

    /// <summary>Gets the fit time in seconds, the median of the repeats (the featurizer is fitted beforehand and not counted).</summary>
    public double FitSeconds { get; init; }

    /// <summary>Gets every repeat's fit time in seconds.</summary>
    public IReadOnlyList<double> FitSecondsRepeats { get; init; } = [];

    /// <summary>Gets how many rows scoring was timed on: the test rows repeated to at least 100,000 (fewer only when the features are so
    /// wide that 100,000 rows would exceed 64 MB).</summary>
    public int ScoringRows { get; init; }

    /// <summary>Gets the scoring throughput, rows per second: <see cref="ScoringRows"/> over the median time of the repeats (after one
    /// untimed pass that also produces the test predictions); one pass only when it lasted 0.25 s or more.</summary>
    public double ScoringRowsPerSecond { get; init; }
}
