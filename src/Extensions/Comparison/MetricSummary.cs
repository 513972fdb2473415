namespace MlNetGd.Comparison;

/// <summary>A metric over the folds: its mean and sample standard deviation (0 with a single fold).</summary>
/// <param name="Mean">The mean over folds.</param>
/// <param name="StandardDeviation">The sample standard deviation over folds (n − 1 in the denominator), 0 for one fold.</param>
public readonly record struct MetricSummary(double Mean, double StandardDeviation)
{
    /// <summary>Summarizes per-fold values.</summary>
    public static MetricSummary Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            return new MetricSummary(double.NaN, double.NaN);
        double mean = values.Average();
        if (values.Count == 1)
            return new MetricSummary(mean, 0);
        double sum = values.Sum(v => (v - mean) * (v - mean));
        return new MetricSummary(mean, Math.Sqrt(sum / (values.Count - 1)));
    }
}
