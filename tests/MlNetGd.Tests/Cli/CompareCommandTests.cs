using System.Text.Json;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

[TestClass]
public sealed class CompareCommandTests
{
    [TestMethod]
    public void CompareWritesTheReportForACsvFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(300));
        var (code, output, error) = Run("compare", "--data", dir.File("data.csv"), "--label", "y", "--cv", "2", "--trainers", "gd,sdca",
            "--repeats", "1", "--epochs", "30", "--verbose", "--out", dir.File("reports"));

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "GradientDescent (MlNetGd)");
        StringAssert.Contains(output, "least-squares optimum");
        StringAssert.Contains(error, "[compare] fold 2/2: gd epoch 1:", "--verbose: progress per fold and epoch on stderr");
        foreach (string file in new[] { "report.md", "report.html", "results.json", "metrics.png", "cost-per-epoch.png", "predicted-vs-actual-sdca.png" })
            Assert.IsTrue(File.Exists(Path.Combine(dir.File("reports"), file)), file);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.File("reports"), "results.json")));
        Assert.AreEqual(2, json.RootElement.GetProperty("trainers").GetArrayLength());
        Assert.AreEqual(300, json.RootElement.GetProperty("rowCount").GetInt32());
    }

    [TestMethod]
    public void CompareWithoutDataUsesTheBundledHousesAndQuietPrintsNoProgress()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = Run("compare", "--trainers", "gd", "--repeats", "1", "--cv", "2", "--quiet", "--out", dir.File("reports"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "houses.csv: 1000 rows, 7 features, label 'price'");
        Assert.AreEqual("", error);
        Assert.IsTrue(File.Exists(Path.Combine(dir.File("reports"), "report.md")));
    }

    [TestMethod]
    public void ATestFractionRunsOneSplit()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.tsv"), ComparisonData.Csv(200).Replace(',', '\t'));
        var (code, output, error) = Run("compare", "--data", dir.File("data.tsv"), "--label", "y", "--test-fraction", "0.3", "--trainers", "gd",
            "--repeats", "1", "-q", "--out", dir.File("r"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "one train/test split, 30% held out");
    }

    [TestMethod]
    [DataRow("compare", "--cv", "1")]
    [DataRow("compare", "--cv", "3", "--test-fraction", "0.2")]
    [DataRow("compare", "--test-fraction", "1.5")]
    [DataRow("compare", "--trainers", "gd,xgboost")]
    [DataRow("compare", "--batch-size", "0")]
    [DataRow("compare", "--epochs", "many")]
    [DataRow("compare", "--separator", "ab")]
    [DataRow("compare", "--no-such-option")]
    [DataRow("train", "--learning-rate", "-1")]
    [DataRow("predict")]
    [DataRow("data")]
    [DataRow("data", "synth", "--rows", "0")]
    [DataRow("frobnicate")]
    public void BadArgumentsExitWithTwoAndAMessage(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.AreEqual(2, code, error);
        StringAssert.StartsWith(error, "error: ");
    }

    [TestMethod]
    public void HelpExplainsEveryOptionWithItsDefault()
    {
        var (code, output, _) = Run("compare", "--help");
        Assert.AreEqual(0, code);
        foreach (string option in new[] { "--data", "--label", "--separator", "--has-header", "--trainers", "--cv", "--test-fraction", "--seed",
            "--out", "--learning-rate", "--batch-size", "--epochs", "--tolerance", "--quiet", "--repeats" })
            StringAssert.Contains(output, option);
        StringAssert.Contains(output, "[default: reports]");
        StringAssert.Contains(output, "[default: 256]");
        StringAssert.Contains(output, "[default: price]");
    }

    [TestMethod]
    public void AMalformedRowNamesItsLine()
    {
        using var dir = new TempDirectory();
        // A column of numbers with one cell that is not: the line, the column, the value and what to do.
        string rows = string.Concat(Enumerable.Range(0, 20).Select(i => i == 10 ? "7,oops,9\n" : $"{i},{2 * i},{3 * i}\n"));
        File.WriteAllText(dir.File("bad.csv"), "x1,x2,y\n" + rows);
        var (code, _, error) = Run("compare", "--data", dir.File("bad.csv"), "--label", "y", "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "line 12, column 'x2': 'oops' is not a number, but 95.0% of the column's cells are");

        File.WriteAllText(dir.File("long.csv"), "x1,x2,y\n1,2,3\n4,5,6,7\n");
        (code, _, error) = Run("compare", "--data", dir.File("long.csv"), "--label", "y", "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "line 3: more fields than the 3 columns of the header (field 4 is '7')");
    }

    [TestMethod]
    public void AMissingFileIsAUserError()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Run("compare", "--data", dir.File("nope.csv"), "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "nope.csv' does not exist");

        (code, _, error) = Run("compare", "--data", dir.Path, "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "is a directory");
    }

    [TestMethod]
    public void AMissingLabelColumnListsTheColumns()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(50));
        var (code, _, error) = Run("compare", "--data", dir.File("data.csv"), "--label", "price", "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "The label column 'price' is not in");
        StringAssert.Contains(error, "Its columns are: 'x1', 'x2', 'x3', 'x4', 'y'.");
    }

    [TestMethod]
    public void AnOutputDirectoryThatCannotBeMadeIsAUserError()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Run("compare", "--trainers", "gd", "-q", "--out", Path.Combine(dir.Path, "missing", "reports"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "does not exist");

        File.WriteAllText(dir.File("taken"), "a file");
        (code, _, error) = Run("compare", "--trainers", "gd", "-q", "--out", dir.File("taken"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "is a file");
    }
}
