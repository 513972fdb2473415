using MlNetGd.Cli;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 14: bad option values are parse errors (exit code 2) naming the option and what is allowed, found before any
/// command runs, instead of exceptions whose message text the command used to take apart.</summary>
[TestClass]
public sealed class ParseTimeValidationTests
{
    [TestMethod]
    [DataRow("--batch-size 0: must be at least 1.", "compare", "--batch-size", "0")]
    [DataRow("--epochs 0: must be at least 1.", "train", "--epochs", "0")]
    [DataRow("--learning-rate -1: must be a finite number greater than 0.", "train", "--learning-rate", "-1")]
    [DataRow("--learning-rate NaN: must be a finite number greater than 0.", "compare", "--learning-rate", "NaN")]
    [DataRow("--tolerance -0.5: must be a finite number >= 0 (0 runs every epoch).", "compare", "--tolerance", "-0.5")]
    [DataRow("--cv 1: must be in range [2, 100].", "compare", "--cv", "1")]
    [DataRow("--test-fraction 1.5: must be in range (0, 1).", "compare", "--test-fraction", "1.5")]
    [DataRow("--repeats 0: must be in range [1, 100].", "compare", "--repeats", "0")]
    [DataRow("--trainers: Unknown trainer 'xgboost'; allowed: gd, sdca, ogd, poisson, fasttree.", "compare", "--trainers", "gd,xgboost")]
    [DataRow("--trainers: The trainer 'gd' is listed twice.", "compare", "--trainers", "gd,gd")]
    [DataRow("--cv and --test-fraction cannot be used together", "compare", "--cv", "3", "--test-fraction", "0.2")]
    [DataRow("--separator 'ab' is not a usable separator", "compare", "--separator", "ab")]
    [DataRow("--separator 'ab' is not a usable separator", "predict", "--data", "x.csv", "--separator", "ab")]
    [DataRow("--rows 0: must be in range [1, 1000000].", "data", "synth", "--rows", "0")]
    [DataRow("--out './x.csv' is the same file as --data 'x.csv'", "predict", "--data", "x.csv", "--out", "./x.csv")]
    [DataRow("The column 'a' is given as both numeric and categorical; choose one.", "compare", "--numeric", "a", "--categorical", "b,a")]
    public void ABadValueIsAParseErrorNamingTheOptionAndWhatIsAllowed(string message, params string[] args)
    {
        var parse = CliRunner.CreateRoot().Parse(args);
        Assert.IsTrue(parse.Errors.Any(e => e.Message.Contains(message, StringComparison.Ordinal)),
            $"found at parse time: {string.Join(" | ", parse.Errors.Select(e => e.Message))}");

        var (code, output, error) = Run(args);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "error: " + message);
        Assert.AreEqual("", output, "the command did not run");
    }

    [TestMethod]
    public void DefaultsAndGoodValuesPassTheChecks()
    {
        var parse = CliRunner.CreateRoot().Parse(["compare", "--cv", "2", "--trainers", "GD, sdca", "--learning-rate", "0.01", "--tolerance", "0",
            "--separator", "tab", "--repeats", "100", "--batch-size", "1", "--epochs", "1"]);
        Assert.AreEqual(0, parse.Errors.Count, string.Join(" | ", parse.Errors.Select(e => e.Message)));
        Assert.AreEqual(0, CliRunner.CreateRoot().Parse(["compare"]).Errors.Count);
        Assert.AreEqual(0, CliRunner.CreateRoot().Parse(["compare", "--test-fraction", "0.25"]).Errors.Count);
    }

    [TestMethod]
    public void TheToleranceHelpDescribesTheRuleTheTrainerUses()
    {
        var (code, output, _) = Run("compare", "--help");
        Assert.AreEqual(0, code);
        StringAssert.Contains(output, "below (1 - T) x the best so far");
        StringAssert.Contains(output, $"for {MlNetGd.Trainers.Core.TrainingSession.MinStepsWithoutImprovement} optimizer steps");
        StringAssert.Contains(output, $"halving a constant rate up to {MlNetGd.Trainers.Core.TrainingSession.MaxAnnealings} times", "the annealing rule");
        StringAssert.Contains(output, "an averaged fit also stops when an epoch leaves that model unimproved by T", "the stall rule");
    }
}
