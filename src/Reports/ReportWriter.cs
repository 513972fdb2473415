using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetGd.Comparison;

namespace MlNetGd.Reports;

/// <summary>Writes a comparison's report directory: report.md, report.html (charts embedded), the PNG charts and results.json.</summary>
/// <remarks>Every file is written under a temporary name and renamed into place, charts first and report.md last, so an interrupted
/// run leaves either the previous file or the new one, never half of one.</remarks>
public static class ReportWriter
{
    /// <summary>The JSON settings of results.json (camelCase, enums as names, NaN as "NaN").</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Checks that <paramref name="directory"/> can hold the report: it exists or its parent does (then it is created), and it is writable.</summary>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">The path is a file, or a file cannot be created there.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is read-only.</exception>
    public static void PrepareDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (File.Exists(full))
            throw new IOException($"The output path '{directory}' is a file; give a directory.");
        if (!Directory.Exists(full))
        {
            string? parent = Path.GetDirectoryName(full);
            if (parent is not null && !Directory.Exists(parent))
                throw new DirectoryNotFoundException($"The output directory's parent '{parent}' does not exist; create it first.");
            Directory.CreateDirectory(full);
        }
        AtomicFile.WriteAllBytes(Path.Combine(full, ".write-check"), [1]);
        File.Delete(Path.Combine(full, ".write-check"));
    }

    /// <summary>Writes the report into <paramref name="directory"/> and returns the files written, in order.</summary>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is read-only.</exception>
    public static IReadOnlyList<string> Write(ComparisonResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        PrepareDirectory(directory);
        var images = new Dictionary<string, byte[]>();
        var charts = new List<(string File, string Caption)>();
        if (ChartRenderer.CostPerEpoch(result) is { } cost)
            Add("cost-per-epoch.png", cost, "GradientDescent: training and validation cost per epoch (log scale), optimum as dashed lines");
        Add("metrics.png", ChartRenderer.Metrics(result), "RMSE and MAE per trainer, ± one standard deviation across folds");
        foreach (var trainer in result.Trainers.Where(t => t.Error is null && t.Actual.Count > 0))
            Add($"predicted-vs-actual-{trainer.Name}.png", ChartRenderer.PredictedVersusActual(trainer), $"{trainer.DisplayName}: predicted vs actual on the test rows");

        var written = new List<string>();
        foreach (var (file, bytes) in images)
            written.Add(WriteFile(directory, file, bytes));
        written.Add(WriteFile(directory, "results.json", JsonSerializer.SerializeToUtf8Bytes(result, JsonOptions)));
        var document = ReportContent.Build(result, charts);
        written.Add(WriteText(directory, "report.html", ReportRenderer.Html(document, images, "MlNetGd trainer comparison")));
        written.Add(WriteText(directory, "report.md", ReportRenderer.Markdown(document)));
        return written;

        void Add(string file, byte[] png, string caption)
        {
            images[file] = png;
            charts.Add((file, caption));
        }
    }

    private static string WriteFile(string directory, string file, byte[] bytes)
    {
        string path = Path.Combine(directory, file);
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WriteText(string directory, string file, string text)
    {
        string path = Path.Combine(directory, file);
        AtomicFile.WriteAllText(path, text);
        return path;
    }
}
