using System.Globalization;
using System.Text.Json;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>The tool on a real CSV (data/penguins.csv): categorical columns, empty cells, rows without a label, names with spaces.</summary>
[TestClass]
public sealed class RealCsvTests
{
    private const string Label = "Body Mass (g)";

    private static string Penguins => Path.Combine(RepositoryRoot(), "data", "penguins.csv");

    [TestMethod]
    public void CompareOnPenguinsStatesTheFeaturizationInEveryReport()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = Run("compare", "--data", Penguins, "--label", Label, "--trainers", "gd,sdca", "--cv", "2", "--repeats", "1", "-q", "--out", dir.File("r"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Species");
        StringAssert.Contains(output, "2 of 344 rows have no label and are dropped; 342 rows remain.");
        string md = File.ReadAllText(dir.File("r/report.md"));
        StringAssert.Contains(md, "## Featurization");
        StringAssert.Contains(md, "| Island | Categorical | one-hot encoding (3 levels)");
        StringAssert.Contains(md, "'Beak Length (mm) (missing)'");
        StringAssert.Contains(md, "2 of 344 rows have no label");
        StringAssert.Contains(File.ReadAllText(dir.File("r/report.html")), "Featurization");
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("r/results.json")));
        var featurization = json.RootElement.GetProperty("featurization");
        Assert.AreEqual(2, featurization.GetProperty("droppedRowCount").GetInt32());
        Assert.AreEqual(6, featurization.GetProperty("columns").GetArrayLength());
        var gd = json.RootElement.GetProperty("trainers")[0];
        Assert.IsTrue(double.IsFinite(gd.GetProperty("gapToOptimum").GetDouble()), "the optimum is computed on the one-hot features");
    }

    [TestMethod]
    public void TrainThenPredictOnARawCsvRoundTrips()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = Run("train", "--data", Penguins, "--label", Label, "--explain", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Featurization of 344 rows");
        StringAssert.Contains(output, "Trained on 342 rows (2 without a label dropped)");

        // Reordered columns, no label, an extra column, an unseen category, an empty cell and a missing Sex: every row still scores.
        File.WriteAllText(dir.File("new.csv"),
            "Sex,Island,Species,Flipper Length (mm),Beak Depth (mm),Beak Length (mm),Colour\n" +
            "MALE,Biscoe,Gentoo,230,16,50,grey\n" +
            "FEMALE,Atlantis,Adelie,190,18,39,white\n" +
            ",Dream,Chinstrap,,18,48,\n");
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("new.csv"), "--out", dir.File("scores.csv"));
        Assert.AreEqual(0, code, error);
        var scored = File.ReadAllLines(dir.File("scores.csv"));
        Assert.AreEqual("Sex,Island,Species,Flipper Length (mm),Beak Depth (mm),Beak Length (mm),Colour,Score", scored[0]);
        Assert.AreEqual(4, scored.Length);
        var scores = scored.Skip(1).Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture)).ToArray();
        Assert.IsTrue(scores.All(s => s is > 2000 and < 7000), string.Join(", ", scores));
        Assert.IsTrue(scores[0] > scores[1] + 500, "a large male Gentoo outweighs a small female Adelie");
    }

    [TestMethod]
    public void PredictNamesAMissingColumnAndABadCell()
    {
        using var dir = new TempDirectory();
        Assert.AreEqual(0, Run("train", "--data", Penguins, "--label", Label, "-q", "--model", dir.File("m.zip")).ExitCode);
        File.WriteAllText(dir.File("nosex.csv"), "Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm)\nAdelie,Dream,39,18,190\n");
        var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("nosex.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "lacks the model's column(s) 'Sex'");

        File.WriteAllText(dir.File("bad.csv"), "Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Sex\nAdelie,Dream,39,18,190,MALE\nAdelie,Dream,long,18,190,MALE\n");
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("bad.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "line 3, column 'Beak Length (mm)': 'long' is not a number, and the model reads this column as numbers");
    }

    [TestMethod]
    public void KindOptionsReachTheInference()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = Run("train", "--data", Penguins, "--label", Label, "--explain", "-q", "--model", dir.File("m.zip"),
            "--ignore", "Island,Sex", "--text", "Species", "--categorical", "Flipper Length (mm)");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Island");
        Assert.IsTrue(output.Split('\n').Any(l => l.Contains("Island", StringComparison.Ordinal) && l.Contains("given as ignored", StringComparison.Ordinal)), output);
        Assert.IsTrue(output.Split('\n').Any(l => l.Contains("Species", StringComparison.Ordinal) && l.Contains("Text", StringComparison.Ordinal)), output);
        Assert.IsTrue(output.Split('\n').Any(l => l.Contains("Flipper", StringComparison.Ordinal) && l.Contains("Categorical", StringComparison.Ordinal)), output);

        (code, _, error) = Run("train", "--data", Penguins, "--label", Label, "--ignore", "Sex", "--text", "Sex", "--model", dir.File("m2.zip"));
        Assert.AreEqual(2, code, "a column given two kinds is a bad argument");
        StringAssert.Contains(error, "'Sex' is given as both text and ignore");
    }

    [TestMethod]
    public void AboveTheLargeDataThresholdTheDefaultPlanIsOneSplitTimedOnce()
    {
        using var dir = new TempDirectory();
        int rows = MlNetGd.Cli.Commands.CompareCommand.LargeDataRows + 1;
        Assert.AreEqual(0, Run("data", "synth", "--kind", "categorical", "--rows", rows.ToString(CultureInfo.InvariantCulture), "--out", dir.File("sales.csv")).ExitCode);
        var (code, output, error) = Run("compare", "--data", dir.File("sales.csv"), "--label", "revenue", "--trainers", "gd", "-q", "--out", dir.File("r"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, $"{rows} rows, ");
        StringAssert.Contains(output, "one train/test split, 20% held out");
        StringAssert.Contains(File.ReadAllText(dir.File("r/report.md")), "the median of 1 repeats");
    }
}
