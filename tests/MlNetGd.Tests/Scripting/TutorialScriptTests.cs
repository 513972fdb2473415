using System.Globalization;
using System.Text.RegularExpressions;

namespace MlNetGd.Tests.Scripting;

/// <summary>Every script in scripts/ runs through the runner, exits 0 and prints the tutorial's results.</summary>
[TestClass]
public sealed partial class TutorialScriptTests
{
    internal static readonly string[] TestedScripts =
    [
        "01-tensors.csx", "02-broadcasting.csx", "03-matmul-vs-mul.csx",
        "04-linear-regression.csx", "05-learning-rate.csx", "06-pipeline-vs-sdca.csx",
    ];

    internal static string Script(string name) => Path.Combine(ScriptHarness.RepositoryRoot, "scripts", name);

    private static ScriptOutcome RunScript(ScriptHarness harness, string name, params string[] args)
    {
        ScriptOutcome outcome = harness.Run(Script(name), args);
        Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("", outcome.Error, outcome.ToString());
        return outcome;
    }

    /// <summary>Asserts what a tutorial script prints, whichever runner ran it (mlnetgd script here, dotnet-script in
    /// <c>DotnetScriptTests</c>). Script 06 ran on <see cref="GenerateHouses"/>'s data.</summary>
    internal static void AssertTutorialOutput(string name, string output)
    {
        switch (name)
        {
            case "01-tensors.csx":
                StringAssert.Contains(output, "t = [0, 1, 2, 3, 4, 5, 6]");
                StringAssert.Contains(output, "shape (t.shape)  = [7]");
                StringAssert.Contains(output, "t[0] = 0, t[^1] = 6");
                StringAssert.Contains(output, "t[2..5]  = [2, 3, 4]");
                StringAssert.Contains(output, "t[4..^1] = [4, 5]");
                StringAssert.Contains(output, "rank  (m.dim())  = 2");
                StringAssert.Contains(output, "shape (m.shape)  = [4, 3]");
                StringAssert.Contains(output, "m[:, 1] = [2, 5, 8, 11], shape [4]");
                break;
            case "02-broadcasting.csx":
                StringAssert.Contains(output, "[[1, 2]] + [[3], [4]] = [[4, 5], [5, 6]]   shape [2, 2]");
                StringAssert.Contains(output, "[[1, 2]] + [3] = [[4, 5]]   shape [1, 2]");
                break;
            case "03-matmul-vs-mul.csx":
                StringAssert.Contains(output, "m1.matmul(m2) = [[5], [11]]   shape [2, 1]");
                StringAssert.Contains(output, "m1 * m2       = [[1, 2], [6, 8]]   shape [2, 2]");
                break;
            case "04-linear-regression.csx":
                MatchCollection epochs = EpochLine().Matches(output);
                Assert.HasCount(20, epochs, output);                       // epochs 0, 100, ..., 1900
                Assert.AreEqual("0.187", epochs[0].Groups["w"].Value);     // one step from zero: W = 0.01 * 56/3
                Assert.AreEqual("18.666667", epochs[0].Groups["cost"].Value);
                Assert.AreEqual(2.0, Number(epochs[^1].Groups["w"].Value), 0.01);
                Assert.AreEqual(0.0, Number(epochs[^1].Groups["b"].Value), 0.02);
                Assert.AreEqual(8.0, Number(Prediction().Match(output).Groups[1].Value), 0.02, output);
                break;
            case "05-learning-rate.csx":
                StringAssert.Matches(output, new Regex(@"^\s+0\.1 \|\s+\S+ \|\s+2\.0000 \|", RegexOptions.Multiline));
                StringAssert.Matches(output, new Regex(@"^\s+0\.3 \|\s+diverged \| in epoch \d+", RegexOptions.Multiline));
                StringAssert.Matches(output, new Regex(@"^\s+1 \|\s+diverged \| in epoch \d+", RegexOptions.Multiline));
                StringAssert.Contains(output, "Training diverged in epoch");
                StringAssert.Contains(output, "with LearningRate = 0.3");
                StringAssert.Contains(output, "Lower LearningRate to");
                StringAssert.Contains(output, "Automatic learning rate (standardized features):");
                break;
            case "06-pipeline-vs-sdca.csx":
                StringAssert.Contains(output, "label 'price', 2 features (size, rooms)");
                foreach (string trainer in new[] { "GradientDescent (MlNetGd)", "SDCA", "OnlineGradientDescent" })
                {
                    Match row = new Regex(Regex.Escape(trainer) + @"\s+\|\s+(?<rmse>\S+) \|\s+(?<mae>\S+) \|\s+(?<r2>\S+) \| \d+ ms").Match(output);
                    Assert.IsTrue(row.Success, $"no row for {trainer}:\n{output}");
                    if (trainer != "OnlineGradientDescent")
                        Assert.IsGreaterThan(0.95, Number(row.Groups["r2"].Value), $"{trainer}:\n{output}");
                }
                break;
            default:
                Assert.Fail($"No expected output for {name}: add it here.");
                break;
        }
    }

    [TestMethod]
    public void EveryScriptInTheFolderIsTested()
    {
        string[] present = Directory.GetFiles(Path.Combine(ScriptHarness.RepositoryRoot, "scripts"), "*.csx")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        CollectionAssert.AreEqual(TestedScripts, present);
    }

    [TestMethod]
    public void TensorsScriptPrintsRankShapeIndexesAndSlices()
    {
        using var harness = new ScriptHarness();
        AssertTutorialOutput("01-tensors.csx", RunScript(harness, "01-tensors.csx").Output);
    }

    [TestMethod]
    public void BroadcastingScriptAddsShapesOneByTwoAndTwoByOne()
    {
        using var harness = new ScriptHarness();
        AssertTutorialOutput("02-broadcasting.csx", RunScript(harness, "02-broadcasting.csx").Output);
    }

    [TestMethod]
    public void MatmulScriptShowsTheMatrixAndTheElementWiseProducts()
    {
        using var harness = new ScriptHarness();
        AssertTutorialOutput("03-matmul-vs-mul.csx", RunScript(harness, "03-matmul-vs-mul.csx").Output);
    }

    [TestMethod]
    public void LinearRegressionScriptLearnsWTwoAndPredictsEight()
    {
        using var harness = new ScriptHarness();
        AssertTutorialOutput("04-linear-regression.csx", RunScript(harness, "04-linear-regression.csx").Output);
    }

    [TestMethod]
    public void LearningRateScriptTabulatesRatesAndReportsDivergence()
    {
        using var harness = new ScriptHarness();
        AssertTutorialOutput("05-learning-rate.csx", RunScript(harness, "05-learning-rate.csx").Output);
    }

    [TestMethod]
    public void PipelineScriptComparesThreeTrainersOnTheGivenCsv()
    {
        using var harness = new ScriptHarness();
        string csv = harness.Write("houses.csv", GenerateHouses(rows: 300, seed: 7));
        AssertTutorialOutput("06-pipeline-vs-sdca.csx", RunScript(harness, "06-pipeline-vs-sdca.csx", csv).Output);
    }

    [TestMethod]
    public void PipelineScriptNamesAMissingDataFile()
    {
        using var harness = new ScriptHarness();
        string missing = Path.Combine(harness.Folder, "no-such.csv");
        ScriptOutcome outcome = harness.Run(Script("06-pipeline-vs-sdca.csx"), missing);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.Contains(outcome.Error, $"Data file not found: {missing}");
    }

    /// <summary>price = 3·size + 20·rooms + 50 + noise, comma-separated with a header, label last.</summary>
    internal static string GenerateHouses(int rows, int seed)
    {
        var random = new Random(seed);
        var text = new System.Text.StringBuilder("size,rooms,price\n");
        for (int i = 0; i < rows; i++)
        {
            double size = 50 + 150 * random.NextDouble();
            int rooms = random.Next(1, 6);
            double price = 3 * size + 20 * rooms + 50 + 5 * (random.NextDouble() - 0.5);
            text.Append(CultureInfo.InvariantCulture, $"{size:F2},{rooms},{price:F2}\n");
        }
        return text.ToString();
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Epoch\s+\d+/1999 W: (?<w>-?\d+\.\d+), b: (?<b>-?\d+\.\d+) Cost: (?<cost>\d+\.\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"Predicted score after 4 hours of study: (-?\d+\.\d+)")]
    private static partial Regex Prediction();
}
