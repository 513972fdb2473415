using System.Globalization;

namespace MlNetGd.Comparison;

/// <summary>Says why a comparison's figure is undefined: NaN in memory, <c>null</c> in results.json, with this note beside it.</summary>
internal static class UndefinedFigures
{
    /// <summary>Why some of one model's per-fold RMSE, MAE or R² are undefined, or <see langword="null"/> when every one is a number.</summary>
    public static string? MetricsNote(IReadOnlyList<(int Fold, double Rmse, double RSquared)> folds)
    {
        int[] diverged = folds.Where(f => !double.IsFinite(f.Rmse)).Select(f => f.Fold).ToArray();
        int[] flat = folds.Where(f => double.IsFinite(f.Rmse) && !double.IsFinite(f.RSquared)).Select(f => f.Fold).ToArray();
        var notes = new List<string>();
        if (diverged.Length > 0)
            notes.Add($"RMSE, MAE and R² are undefined in {Folds(diverged, folds.Count)}: the model predicts NaN or ±∞ for some test rows (it diverged).");
        if (flat.Length > 0)
            notes.Add($"R² is undefined in {Folds(flat, folds.Count)}: the test labels are all equal there, so there is no variance to explain.");
        return notes.Count == 0 ? null : string.Join(" ", notes);
    }

    /// <summary>Why a trainer's gap to the optimum is undefined, or <see langword="null"/> when it is a number.</summary>
    /// <param name="failed">Whether the trainer failed (its error says why).</param>
    /// <param name="optimum">The least-squares optimum.</param>
    /// <param name="labelMean">The label's mean over every row.</param>
    /// <param name="labelStandardDeviation">The label's standard deviation over every row.</param>
    /// <param name="rmse">The trainer's mean RMSE over the folds.</param>
    public static string? GapNote(bool failed, OptimumResult optimum, double labelMean, double labelStandardDeviation, double rmse)
    {
        if (failed)
            return "The trainer failed (see error).";
        if (ComparisonResult.IsConstant(labelMean, labelStandardDeviation))
            return $"Every label is {labelMean.ToString("G9", CultureInfo.InvariantCulture)}: the data has no variance to explain, so a gap to the optimum means nothing.";
        if (!optimum.IsAvailable)
            return $"There is no least-squares optimum to compare with: {optimum.Note}";
        if (!double.IsFinite(rmse) || !double.IsFinite(optimum.Rmse.Mean))
            return "The RMSE is undefined (see metricsNote).";
        return null;
    }

    private static string Folds(int[] folds, int count) =>
        folds.Length == count ? (count == 1 ? "the test rows" : "every fold") : (folds.Length == 1 ? "fold " : "folds ") + string.Join(", ", folds);
}
