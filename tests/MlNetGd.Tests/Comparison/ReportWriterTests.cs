using System.Net;
using System.Text.Json;
using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.IO;
using MlNetGd.Reports;
using SkiaSharp;

namespace MlNetGd.Tests.Comparison;

[TestClass]
public sealed class ReportWriterTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ComparisonResult SmallResult() => TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 400), new ComparisonOptions
    {
        Plan = EvaluationPlan.CrossValidation(2),
        Seed = 4,
        TimingRepeats = 1,
        Trainers = [ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca, ComparisonTrainer.OnlineGradientDescent],
        GradientDescent = new() { NumberOfEpochs = 20 },
    });

    [TestMethod]
    public void EveryFileIsWrittenAndThePngsDecode()
    {
        using var dir = new TempDirectory();
        var files = ReportWriter.Write(SmallResult(), dir.Path);

        string[] expected = ["cost-per-epoch.png", "metrics.png", "predicted-vs-actual-gd.png", "predicted-vs-actual-sdca.png",
            "predicted-vs-actual-ogd.png", "results.json", "report.html", "report.md"];
        CollectionAssert.AreEquivalent(expected, files.Select(Path.GetFileName).ToArray());
        CollectionAssert.AreEquivalent(expected, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray(), "no temporary file is left");
        foreach (string png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            byte[] bytes = File.ReadAllBytes(png);
            CollectionAssert.AreEqual(PngSignature, bytes[..8], png);
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.IsNotNull(bitmap, png);
            Assert.IsTrue(bitmap.Width >= 400 && bitmap.Height >= 400, $"{png}: {bitmap.Width}x{bitmap.Height}");
        }
        string html = File.ReadAllText(dir.File("report.html"));
        Assert.AreEqual(5, html.Split("src=\"data:image/png;base64,").Length - 1, "every chart is embedded");
        Assert.IsFalse(html.Contains("src=\"cost-per-epoch.png\"", StringComparison.Ordinal), "the HTML page needs no other file");
        StringAssert.Contains(File.ReadAllText(dir.File("report.md")), "## Verdict");
    }

    [TestMethod]
    public void ResultsJsonParsesAndMatchesTheTables()
    {
        using var dir = new TempDirectory();
        var result = SmallResult();
        ReportWriter.Write(result, dir.Path);
        string markdown = File.ReadAllText(dir.File("report.md"));
        string html = File.ReadAllText(dir.File("report.html"));
        using var json = JsonDocument.Parse(File.ReadAllBytes(dir.File("results.json")));

        var trainers = json.RootElement.GetProperty("trainers").EnumerateArray().ToList();
        Assert.AreEqual(3, trainers.Count);
        Assert.AreEqual(2, json.RootElement.GetProperty("numberOfFolds").GetInt32());
        foreach (var t in trainers)
        {
            string name = t.GetProperty("displayName").GetString()!;
            string rmse = ReportFormat.Summary(Summary(t.GetProperty("rmse")), 2);
            string mae = ReportFormat.Summary(Summary(t.GetProperty("mae")), 2);
            string r2 = ReportFormat.Summary(Summary(t.GetProperty("rSquared")), 2);
            string gap = ReportFormat.Percent(t.GetProperty("gapToOptimum").GetDouble());
            StringAssert.Contains(markdown, $"| {name} | {rmse} | {mae} | {r2} | {gap} |");
            Assert.IsTrue(html.Contains(WebUtility.HtmlEncode($"{name}</td><td>{rmse}").Replace("&lt;", "<").Replace("&gt;", ">"), StringComparison.Ordinal), $"HTML row of {name}");
            Assert.AreEqual(t.GetProperty("actual").GetArrayLength(), t.GetProperty("predicted").GetArrayLength());
            Assert.AreEqual(400, t.GetProperty("actual").GetArrayLength());
        }
        var optimum = json.RootElement.GetProperty("optimum");
        StringAssert.Contains(markdown, $"| Least-squares optimum (reference) | {ReportFormat.Summary(Summary(optimum.GetProperty("rmse")), 2)} |");
        var curve = trainers[0].GetProperty("costCurves")[0];
        Assert.AreEqual(curve.GetProperty("trainingCost").GetArrayLength(), curve.GetProperty("validationCost").GetArrayLength());
    }

    private static MetricSummary Summary(JsonElement e) =>
        new(e.GetProperty("mean").GetDouble(), e.GetProperty("standardDeviation").GetDouble());

    [TestMethod]
    public void AFailedWriteLeavesNoTemporaryFileAndTheOldFileIntact()
    {
        using var dir = new TempDirectory();
        AtomicFile.WriteAllText(dir.File("results.json"), "old");

        Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(dir.File("results.json"), stream =>
        {
            stream.WriteByte((byte)'n');
            throw new IOException("The disk is full.");
        }));
        Assert.AreEqual("old", File.ReadAllText(dir.File("results.json")));
        Assert.AreEqual(0, Directory.GetFiles(dir.Path, "*.tmp").Length);
    }

    [TestMethod]
    public void AnOutputDirectoryWhoseParentIsMissingIsAnError()
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => ReportWriter.Write(SmallResult(), Path.Combine(dir.Path, "missing", "reports")));
        StringAssert.Contains(e.Message, "does not exist");
        File.WriteAllText(dir.File("file"), "x");
        StringAssert.Contains(Assert.ThrowsExactly<IOException>(() => ReportWriter.Begin(dir.File("file"))).Message, "is a file");
    }
}
