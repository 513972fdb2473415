using System.Globalization;
using MlNetGd.Comparison;

namespace MlNetGd.Reports;

/// <summary>How the report prints numbers, shared by the Markdown and HTML writers (and tests that check the tables against results.json).</summary>
public static class ReportFormat
{
    /// <summary>Formats a number with 5 significant digits, invariant culture; NaN prints as "n/a".</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString(Math.Abs(value) >= 1e6 || (Math.Abs(value) < 1e-3 && value != 0) ? "G4" : "G5", CultureInfo.InvariantCulture);

    /// <summary>Formats "mean ± sd" (just the mean for a single fold).</summary>
    public static string Summary(MetricSummary summary, int folds) =>
        folds > 1 ? $"{Number(summary.Mean)} ± {Number(summary.StandardDeviation)}" : Number(summary.Mean);

    /// <summary>Formats a fraction as a signed percentage, e.g. "+0.12%".</summary>
    public static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "n/a" : (fraction * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + "%";

    /// <summary>Formats seconds as milliseconds.</summary>
    public static string Milliseconds(double seconds) =>
        double.IsNaN(seconds) ? "n/a" : (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Formats a throughput in rows per second with thousands separators.</summary>
    public static string Rate(double rowsPerSecond) =>
        double.IsNaN(rowsPerSecond) ? "n/a" : rowsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Says that a trainer failed, why, and what its fits cost until then (a failed fit took the user's time too).</summary>
    public static string Failure(TrainerResult trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return $"{trainer.DisplayName} {FailureReason(trainer)}";
    }

    /// <summary>"failed: " the trainer's error and the time its fits took, the failed one included.</summary>
    public static string FailureReason(TrainerResult trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        string spent = trainer.FitCount == 0
            ? " No fit was run."
            : $" Its {trainer.FitCount} fit{(trainer.FitCount == 1 ? "" : "s")}, the failed one included, took {Milliseconds(trainer.TotalFitSeconds)} in all.";
        return $"failed: {trainer.Error}{spent}";
    }
}
