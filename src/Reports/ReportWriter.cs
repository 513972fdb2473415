using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetGd.Comparison;
using MlNetGd.IO;

namespace MlNetGd.Reports;

/// <summary>Writes a comparison's report directory: report.md, report.html (charts embedded), the PNG charts and results.json.</summary>
/// <remarks>The report is whole or absent: it is written into a sibling temporary directory that replaces the output directory in one
/// rename (<see cref="AtomicDirectory"/>), under a lock that refuses a second run writing the same directory. A rerun with fewer
/// trainers therefore leaves no chart of the previous run behind.</remarks>
public static class ReportWriter
{
    /// <summary>The JSON settings of results.json: camelCase, enums as names, and a number that is NaN or infinite as <c>null</c> (read back
    /// as NaN), with the reason in a note beside it, so that a strict JSON reader in any language gets numbers or null, never text.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(), new FiniteOrNullConverter<double>(), new FiniteOrNullConverter<float>() },
    };

    /// <summary>Locks <paramref name="directory"/> for one report and prepares its temporary directory; pass the result to
    /// <see cref="Write(ComparisonResult, AtomicDirectory)"/>, then dispose it. Take it before a long comparison to fail early.</summary>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">The path is a file, another run is writing the directory, or the directory holds files that are
    /// not a report's (they would be deleted).</exception>
    /// <exception cref="UnauthorizedAccessException">The parent directory is read-only.</exception>
    public static AtomicDirectory Begin(string directory) => AtomicDirectory.Begin(directory, IsReportFile);

    /// <summary>Checks, leaving nothing behind, what <see cref="Begin"/> checks of <paramref name="directory"/> before it takes the lock
    /// (<see cref="AtomicDirectory.Check"/>), so a run can fail before its work.</summary>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">The path is a file, or the directory holds files that are not a report's.</exception>
    /// <exception cref="UnauthorizedAccessException">The parent directory is not writable.</exception>
    public static void Check(string directory) => AtomicDirectory.Check(directory, IsReportFile);

    /// <summary>Writes the report into <paramref name="directory"/> (replacing it as a whole) and returns the files written, in order.</summary>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written, another run is writing the directory, or it holds files that are not a report's.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is read-only.</exception>
    public static IReadOnlyList<string> Write(ComparisonResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var output = Begin(directory);
        return Write(result, output);
    }

    /// <summary>Writes the report into <paramref name="output"/>'s temporary directory and commits it; returns the files, in order.</summary>
    /// <exception cref="IOException">A file cannot be written; the previous report is left as it was.</exception>
    public static IReadOnlyList<string> Write(ComparisonResult result, AtomicDirectory output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var (document, images) = Compose(result);
        var files = new List<(string File, byte[] Bytes)>();
        files.AddRange(images.Select(i => (i.Key, i.Value)));
        files.Add(("results.json", JsonSerializer.SerializeToUtf8Bytes(result, JsonOptions)));
        files.Add(("report.html", Utf8.GetBytes(ReportRenderer.Html(document, images, "MlNetGd trainer comparison"))));
        files.Add(("report.md", Utf8.GetBytes(ReportRenderer.Markdown(document))));
        foreach (var (file, bytes) in files)
            File.WriteAllBytes(Path.Combine(output.Staging, file), bytes);
        output.Commit();
        return files.Select(f => Path.Combine(output.Target, f.File)).ToList();
    }

    /// <summary>Returns report.html's content as one &lt;div&gt; (verdict, tables, charts embedded as PNG), for a notebook cell or a page of
    /// your own; its styles apply to the &lt;div&gt; alone.</summary>
    public static string ToHtml(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var (document, images) = Compose(result, withResultsJson: false);
        return ReportRenderer.HtmlFragment(document, images);
    }

    private static (ReportDocument Document, Dictionary<string, byte[]> Images) Compose(ComparisonResult result, bool withResultsJson = true)
    {
        var images = new Dictionary<string, byte[]>();
        var charts = new List<(string File, string Caption)>();
        if (ChartRenderer.CostPerEpoch(result) is { } cost)
            Add("cost-per-epoch.png", cost, "GradientDescent: training and validation cost per epoch (log scale), optimum as dashed lines");
        Add("metrics.png", ChartRenderer.Metrics(result), "RMSE and MAE per trainer, ± one standard deviation across folds");
        foreach (var trainer in result.Trainers.Where(t => t.Error is null && t.Actual.Count > 0))
            Add($"predicted-vs-actual-{trainer.Name}.png", ChartRenderer.PredictedVersusActual(trainer), $"{trainer.DisplayName}: predicted vs actual on the test rows");
        return (ReportContent.Build(result, charts, withResultsJson), images);

        void Add(string file, byte[] png, string caption)
        {
            images[file] = png;
            charts.Add((file, caption));
        }
    }

    /// <summary>Whether a file of an existing output directory belongs to a report (and may be replaced).</summary>
    internal static bool IsReportFile(string name) =>
        name is "report.md" or "report.html" or "results.json" or ".write-check"
        || (name.EndsWith(".png", StringComparison.Ordinal) && (name is "metrics.png" or "cost-per-epoch.png" || name.StartsWith("predicted-vs-actual-", StringComparison.Ordinal)));

    private static readonly System.Text.UTF8Encoding Utf8 = new(false);
}
