using Microsoft.ML;
using MlNetGd.Cli.Commands;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 21, items 6 and 11: predict's Score column on a scored file, the evaluation options against the row count, an empty
/// --label, HTML in column names, the lock file of a refused run, and the script runner's rights.</summary>
[TestClass]
public sealed class SmallDefectTests
{
    [TestMethod]
    public void PredictOnAFileThatHasAScoreColumnAppendsScore_2AndSaysSo()
    {
        using var dir = new TempDirectory();
        TrainedModel(dir);
        Assert.AreEqual(0, Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", dir.File("once.csv")).ExitCode);

        var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("once.csv"), "--out", dir.File("twice.csv"));

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "'Score'; the scores are written as 'Score_2'");
        Assert.AreEqual("x1,x2,x3,x4,y,Score,Score_2", File.ReadLines(dir.File("twice.csv")).First());
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("twice.csv"), "--out", dir.File("thrice.csv"));
        Assert.AreEqual(0, code, error + " (before: \"the column name 'Score' appears twice\")");
        Assert.AreEqual("x1,x2,x3,x4,y,Score,Score_2,Score_3", File.ReadLines(dir.File("thrice.csv")).First());
    }

    [TestMethod]
    public void TestFractionThatLeavesTooFewTrainingRowsNamesTheOptionAndItsRange()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(300));

        var (code, _, error) = Run("compare", "--data", dir.File("data.csv"), "--label", "y", "--test-fraction", "0.999", "-q", "--out", dir.File("r"));

        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--test-fraction 0.999 holds out about 300 of the 300 labelled rows and trains on about 0");
        StringAssert.Contains(error, "must be in range [0.0167, 0.9833]");
        Assert.AreEqual(0, Directory.GetFileSystemEntries(dir.Path, ".*").Length, "nothing was started");
    }

    [TestMethod]
    public void TooManyFoldsForTheRowsFailAtOnceNamingTheOptionAndTheRange()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(300));

        var (code, output, error) = Run("compare", "--data", dir.File("data.csv"), "--label", "y", "--cv", "100", "-q", "--out", dir.File("r"));

        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "--cv 100: 300 labelled rows allow at most 60 folds");
        StringAssert.Contains(error, "must be in range [2, 60]");
        Assert.AreEqual("", output, "no plan printed, nothing fitted");
        Assert.AreEqual(0, Directory.GetFileSystemEntries(dir.Path, ".*").Length);
    }

    [TestMethod]
    public void EvaluationPlanFollowsTheRowCount()
    {
        Assert.AreEqual("5-fold cross-validation", CompareCommand.Plan(null, null, 300).Plan!.ToString());
        Assert.AreEqual("3-fold cross-validation", CompareCommand.Plan(null, null, 15).Plan!.ToString(), "fewer folds on small data");
        StringAssert.Contains(CompareCommand.Plan(null, null, 9).Problem, "9 labelled rows are too few to evaluate trainers");
        StringAssert.Contains(CompareCommand.Plan(2, null, 9).Problem, "--cv 2: 9 labelled rows are too few to cross-validate");
        StringAssert.Contains(CompareCommand.Plan(null, 0.5, 9).Problem, "--test-fraction 0.5: 9 labelled rows are too few to split");
        Assert.AreEqual("one train/test split, 20% held out", CompareCommand.Plan(null, null, 200_000).Plan!.ToString());
        Assert.IsNull(CompareCommand.Plan(60, null, 300).Problem);
        Assert.IsNull(CompareCommand.Plan(null, 0.0167, 300).Problem);
    }

    [TestMethod]
    public void AFoldThatComesOutEmptyFailsBeforeAnyFit()
    {
        // 12 rows in 2 folds: the seeded hash puts them unevenly; with 6 folds and some seed, a fold is empty. The check runs before
        // the first fit, whatever the fold (it used to fail at fold 42 of 100, after 9 s of fits).
        var ml = new Microsoft.ML.MLContext(0);
        var data = ComparisonData.Linear(ml, rows: 12);
        for (int seed = 0; seed < 50; seed++)
        {
            int steps = 0;
            var options = new MlNetGd.Comparison.ComparisonOptions
            {
                Plan = MlNetGd.Comparison.EvaluationPlan.CrossValidation(6),
                Seed = seed,
                Trainers = [MlNetGd.Comparison.ComparisonTrainer.GradientDescent],
                Progress = _ => steps++,
                FeaturePipeline = ml.Transforms.Concatenate("Features", "Raw"),
            };
            try
            {
                MlNetGd.Comparison.TrainerComparison.Run(data, options);
                continue;
            }
            catch (ArgumentException e) when (e.Message.Contains("has no test rows", StringComparison.Ordinal))
            {
                StringAssert.Contains(e.Message, "of the 6-fold cross-validation has no test rows");
                Assert.AreEqual(0, steps, "nothing was fitted before the error");
                return;
            }
        }
        Assert.Fail("no seed of 50 gave an empty fold of 12 rows in 6 folds");
    }

    [TestMethod]
    public void AnEmptyLabelIsABadArgument()
    {
        foreach (string verb in new[] { "train", "compare" })
        {
            var (code, _, error) = Run(verb, "--label", "");
            Assert.AreEqual(2, code, verb + ": " + error);
            StringAssert.Contains(error, "--label is empty: give the name of the label column.");
        }
    }

    [TestMethod]
    public void ReportMarkdownShowsHtmlInColumnNamesAsTextNotAsHtml()
    {
        using var dir = new TempDirectory();
        string[] lines = ComparisonData.Csv(200).Split('\n');
        lines[0] = "<img src=x onerror=alert(1)>,<b>x2</b>,x3,x4,y";
        File.WriteAllText(dir.File("data.csv"), string.Join('\n', lines));

        var (code, _, error) = Run("compare", "--data", dir.File("data.csv"), "--label", "y", "--cv", "2", "--trainers", "gd", "--repeats", "1", "-q", "--out", dir.File("r"));

        Assert.AreEqual(0, code, error);
        string markdown = File.ReadAllText(Path.Combine(dir.File("r"), "report.md"));
        Assert.IsFalse(markdown.Contains("<img", StringComparison.Ordinal) || markdown.Contains("<b>", StringComparison.Ordinal), markdown[..400]);
        StringAssert.Contains(markdown, "&lt;img src=x onerror=alert(1)>");
        string html = File.ReadAllText(Path.Combine(dir.File("r"), "report.html"));
        Assert.IsFalse(html.Contains("<img src=x", StringComparison.Ordinal) || html.Contains("<b>x2", StringComparison.Ordinal));
    }

    [TestMethod]
    public void ARunFailingValidationLeavesNoLockFileNorAnythingElse()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        File.WriteAllText(dir.File("bad.csv"), "x,y\n1,2\nabc,3\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{i},{i}\n")));
        string[][] refused =
        [
            ["--data", dir.File("missing.csv"), "--label", "y"],
            ["--data", dir.File("data.csv"), "--label", "nope"],
            ["--data", dir.File("bad.csv"), "--label", "y"],
            ["--data", dir.File("data.csv"), "--label", "y", "--cv", "100"],
        ];
        foreach (string[] args in refused)
        {
            var (code, _, error) = Run(["compare", .. args, "-q", "--out", dir.File("r")]);
            Assert.AreNotEqual(0, code, string.Join(' ', args));
            CollectionAssert.AreEquivalent(new[] { "data.csv", "bad.csv" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ToArray(),
                string.Join(' ', args) + ": " + error);
        }
    }

    [TestMethod]
    public void TheScriptVerbSaysAScriptRunsWithTheUsersFullRights()
    {
        var (code, output, _) = Run("script", "--help");
        Assert.AreEqual(0, code);
        StringAssert.Contains(output, "with your full rights");
        StringAssert.Contains(File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Cli", "README.md")), "with your full rights");
    }
}
