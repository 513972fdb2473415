using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 22's adversarial trial of the tool: odd files and odd arguments a user hits, each with the error it must give.</summary>
[TestClass]
public sealed class AdversarialTrialTests
{
    [TestMethod]
    public void AFileWithOnlyTheLabelColumnSaysItHasNoOtherColumn()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("y.csv"), "y\n1\n2\n3\n");

        var (code, _, error) = Run("train", "--data", dir.File("y.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "has no column besides the label 'y'", "before: \"can be a feature: . Give a kind\"");
        Assert.IsFalse(error.Contains("feature: ."), error);
    }

    [TestMethod]
    public void CliErrorsDoNotShowTheParameterNameOfTheLibrarysArgumentException()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), ComparisonData.Csv(30));

        var (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "nope", "--model", dir.File("m.zip"), "-q");
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "'nope' is not in");
        Assert.IsFalse(error.Contains("(Parameter '"), error);

        (code, _, error) = Run("predict", "--model", dir.Path, "--data", dir.File("d.csv"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "is a directory");
        Assert.IsFalse(error.Contains("(Parameter '"), error);
    }
}
