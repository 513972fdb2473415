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

    [TestMethod]
    public void AQuotedFieldWithALineBreakIsOneRowNotTwo()
    {
        // Before issue 22: each row was read as two (60 rows of 30), half without a label, and a model was trained on the halves;
        // then refused ("a quoted field starts on this line and is not closed before the line ends"). Now one row, as RFC 4180 reads it.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "c,d,y\r\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"\"hello\r\nworld {i % 3}\",z{i % 2},{i}\r\n")));

        var (code, output, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "--explain");

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Featurization of 30 rows");
        StringAssert.Contains(output, "Every row has a label.");
        (code, output, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("d.csv"));
        Assert.AreEqual(0, code, error);
        StringAssert.StartsWith(output, "c,d,y,Score\n\"hello\nworld 0\",z0,0,");
    }

    [TestMethod]
    public void QuotesThatCloseOnTheirLineAndQuotesInsideAFieldStillRead()
    {
        using var dir = new TempDirectory();
        // A quoted separator, an escaped quote, a quote inside an unquoted field (12" pipe), a quote closing at the line's end.
        File.WriteAllText(dir.File("d.csv"), "c,d,e,y\n" + string.Concat(Enumerable.Range(0, 30).Select(i =>
            $"\"Oslo, NO {i % 2}\",\"he said \"\"hi\"\" {i % 3}\",{i % 4}\" pipe,{i}\n")) + "\"a\",\"b\",\"c\",\"5\"\n// a comment the loader skips, \"with an open quote\n");

        var (code, output, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "--explain", "-q");

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Featurization of 31 rows");
    }

    [TestMethod]
    public void PredictWithTheWrongSeparatorSuggestsTheRightOne()
    {
        using var dir = new TempDirectory();
        string model = TrainedModel(dir);

        var (code, _, error) = Run("predict", "--model", model, "--data", dir.File("data.csv"), "--separator", ";");

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "lacks the model's column(s)");
        StringAssert.Contains(error, "Is the separator right? It is ';', but the text holds ',': give that separator (--separator ,).", "as train says");
    }

    [TestMethod]
    [DataRow("\"1,000\"", "'1,000' is one thousand), remove the commas; if it is a decimal comma, give --decimal-separator ,")]
    [DataRow("\"1,000,123\"", "'1,000' is one thousand), remove the commas.")]
    [DataRow("1.5%", "remove the '%' signs")]
    public void NumbersWithThousandsSeparatorsOrPercentSignsAreWarnedWithTheRightFix(string cell, string fix)
    {
        // Before: "1,000" was told to give --decimal-separator , (which reads one thousand as 1.0), and "1.5%" had no warning at all.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "x,z,y\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"{cell.Replace("1", $"{i % 7 + 1}")},{i % 3},{i % 7}\n")));

        var (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "warning: column 'x': 100% of its cells look like numbers");
        StringAssert.Contains(error, fix);
    }
}
