using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlNetGd.Tests.Packaging;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Notebooks;

/// <summary>Issue 20: every notebook in notebooks/ runs headless from the local feed, by the README's steps (pack, add the feed as a
/// source, <c>dotnet tool restore</c>, <c>dotnet repl --run … --exit-after-run</c>), with no error cell and the tutorial's results.</summary>
[TestClass]
public sealed partial class NotebookTests
{
    private static readonly string[] TestedNotebooks = ["linear-regression-tutorial.ipynb"];

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [TestMethod]
    public void EveryNotebookInTheFolderIsTested()
    {
        string[] present = Directory.GetFiles(Path.Combine(RepositoryRoot(), "notebooks"), "*.ipynb")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        CollectionAssert.AreEqual(TestedNotebooks, present);
    }

    [TestMethod]
    public void TutorialNotebookPredictsEightChartsTheLossAndTabulatesTheComparison()
    {
        var cells = RunNotebook("linear-regression-tutorial.ipynb");
        string text = string.Join("\n", cells.SelectMany(c => c.Text));
        string html = string.Join("\n", cells.SelectMany(c => c.Html));

        Assert.AreEqual(8.0, Number(Prediction().Match(text).Groups[1].Value), 0.02, text);
        Assert.AreEqual(8.0, Number(LoopPrediction().Match(text).Groups[1].Value), 0.02, text);
        StringAssert.Contains(text, "t[2..5]  = [2, 3, 4]");
        StringAssert.Contains(text, "[[1, 2]] + [[3], [4]] = [[4, 5], [5, 6]]");
        StringAssert.Contains(text, "m1.matmul(m2) = [[5], [11]]");
        StringAssert.Matches(text, new Regex(@"^\s+0\.3 \|\s+diverged \| in epoch \d+", RegexOptions.Multiline));
        StringAssert.Contains(text, "Training diverged in epoch");
        StringAssert.Matches(text, new Regex(@"^SDCA\s+\|", RegexOptions.Multiline));

        // The loss curves: TrainingHistory shown by MlNetGd.Interactive's formatter, which the package's extension registered.
        string[] histories = cells.SelectMany(c => c.Html).Where(h => h.Contains("class=\"mlnetgd-history\"", StringComparison.Ordinal)).ToArray();
        Assert.HasCount(2, histories, html.Length > 4000 ? html[..4000] : html);
        foreach (string history in histories)
            AssertEmbeddedPng(history);
        // The comparison: the report's tables and charts.
        string report = cells.SelectMany(c => c.Html).Single(h => h.Contains("class=\"mlnetgd-report\"", StringComparison.Ordinal));
        StringAssert.Contains(report, "<table>");
        StringAssert.Contains(report, "<td>SDCA</td>");
        StringAssert.Contains(report, "<td>GradientDescent (MlNetGd)</td>");
        AssertEmbeddedPng(report);
    }

    /// <summary>Runs a notebook headless and returns each code cell's outputs; fails on a non-zero exit (dotnet-repl exits 2 after an
    /// error cell) or an error output.</summary>
    private static List<CellOutputs> RunNotebook(string name)
    {
        LocalFeed feed = LocalFeed.Shared;
        string root = RepositoryRoot();
        string output = Path.Combine(feed.Root, "out-" + Guid.NewGuid().ToString("N") + ".ipynb");
        ChildOutcome restore = feed.Run("dotnet", root, TimeSpan.FromMinutes(5), "tool", "restore");
        Assert.AreEqual(0, restore.ExitCode, restore.ToString());
        ChildOutcome run = feed.Run("dotnet", root, TimeSpan.FromMinutes(15),
            "repl", "--run", Path.Combine(root, "notebooks", name), "--exit-after-run", "--output-path", output);

        Assert.IsTrue(File.Exists(output), run.ToString());
        using var notebook = JsonDocument.Parse(File.ReadAllBytes(output));
        var cells = new List<CellOutputs>();
        var errors = new List<string>();
        foreach (var cell in notebook.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            var text = new List<string>();
            var html = new List<string>();
            foreach (var outputItem in cell.GetProperty("outputs").EnumerateArray())
            {
                string kind = outputItem.GetProperty("output_type").GetString()!;
                if (kind == "error")
                    errors.Add($"{Source(cell)}\n  -> {outputItem}");
                else if (kind == "stream")
                    text.Add(Joined(outputItem.GetProperty("text")));
                else if (outputItem.TryGetProperty("data", out var data))
                {
                    if (data.TryGetProperty("text/html", out var h))
                        html.Add(Joined(h));
                    if (data.TryGetProperty("text/plain", out var p))
                        text.Add(Joined(p));
                }
            }
            cells.Add(new CellOutputs(Source(cell), text, html));
        }
        Assert.IsEmpty(errors, string.Join("\n\n", errors));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        return cells;
    }

    private static void AssertEmbeddedPng(string html)
    {
        Match image = EmbeddedPng().Match(html);
        Assert.IsTrue(image.Success, "no embedded PNG chart");
        byte[] png = Convert.FromBase64String(image.Groups[1].Value);
        CollectionAssert.AreEqual(PngSignature, png[..8]);
        Assert.IsGreaterThan(10_000, png.Length, "a chart, not an empty image");
    }

    private static string Source(JsonElement cell) => Joined(cell.GetProperty("source"));

    private static string Joined(JsonElement lines) =>
        lines.ValueKind == JsonValueKind.Array ? string.Concat(lines.EnumerateArray().Select(l => l.GetString())) : lines.GetString() ?? "";

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private sealed record CellOutputs(string Source, List<string> Text, List<string> Html);

    [GeneratedRegex(@"Predicted score after 4 hours of study: (-?\d+\.\d+)")]
    private static partial Regex Prediction();

    [GeneratedRegex(@"prediction for 4 hours (-?\d+\.\d+)")]
    private static partial Regex LoopPrediction();

    [GeneratedRegex("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();
}
