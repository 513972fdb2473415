using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.DataFiles;

/// <summary>Issue 21's defects 4 (decimal commas), 7 (more than 4096 columns) and 8 (categorical columns of more than 10,000 levels),
/// each reproduced as a user meets it.</summary>
[TestClass]
public sealed class LocaleAndLimitTests
{
    /// <summary>A semicolon-separated export with decimal commas, as spreadsheets write it in many locales: y = 3·a − 2·b + noise,
    /// a and b with two decimals (so every value is distinct and a string reading makes them identifiers or hundreds of levels).</summary>
    private static string DecimalCommaCsv(int rows = 300)
    {
        var random = new Random(3);
        var text = new StringBuilder("a;b;colour;y\n");
        string[] colours = ["red", "green", "blue"];
        for (int i = 0; i < rows; i++)
        {
            double a = Math.Round(random.NextDouble() * 10, 2), b = Math.Round(random.NextDouble() * 5, 2);
            double y = 3 * a - 2 * b + (i % 3) + random.NextDouble() * 0.1;
            text.Append(Comma(a)).Append(';').Append(Comma(b)).Append(';').Append(colours[i % 3]).Append(';').Append(Comma(Math.Round(y, 3))).Append('\n');
        }
        return text.ToString();
    }

    private static string Comma(double value) => value.ToString("0.00#", CultureInfo.InvariantCulture).Replace('.', ',');

    private static string Write(TempDirectory dir, string name, string text)
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    private static double TrainingRmse(string output) =>
        double.Parse(Regex.Match(output, @"training RMSE ([0-9.Ee+-]+[0-9])").Groups[1].Value, CultureInfo.InvariantCulture);

    [TestMethod]
    public void DecimalCommasInASemicolonFileAreReadAsNumbersAndSaidInThePlan()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "export.csv", DecimalCommaCsv());
        var (code, output, error) = Run("train", "--data", path, "--label", "y", "--separator", ";", "--explain", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "a       Numeric      normalized");
        StringAssert.Contains(output, "read with a decimal comma ('1,5' is 1.5)");
        Assert.IsFalse(error.Contains("warning", StringComparison.Ordinal), error);
        Assert.IsTrue(TrainingRmse(output) < 0.1, output);   // the label's noise is 0.03; read as strings it was R² -0.34

        // predict reads the same file the same way.
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", path, "--separator", ";", "--out", dir.File("scores.csv"));
        Assert.AreEqual(0, code, error);
        var lines = File.ReadAllLines(dir.File("scores.csv")).Skip(1).ToArray();
        double worst = lines.Max(l => Math.Abs(double.Parse(l.Split(';')[3].Replace(',', '.'), CultureInfo.InvariantCulture)
            - double.Parse(l.Split(';')[4], CultureInfo.InvariantCulture)));
        Assert.IsTrue(worst < 0.5, $"largest error {worst}");
    }

    [TestMethod]
    public void TheDecimalSeparatorOptionReadsEveryNumberWithACommaAndIsCheckedAtParseTime()
    {
        using var dir = new TempDirectory();
        // Tab-separated, and only a third of a's cells have a comma (the rest are whole numbers): not found by itself.
        var text = new StringBuilder("a\ty\n");
        for (int i = 0; i < 60; i++)
            text.Append(i % 3 == 0 ? $"{i},5" : $"{i}").Append('\t').Append(2 * i + (i % 3 == 0 ? 1 : 0)).Append('\n');
        string path = Write(dir, "data.tsv", text.ToString());
        var file = DelimitedFile.Read(path, decimalSeparator: ',');
        Assert.IsTrue(file.Profile("a").IsNumeric);
        Assert.IsTrue(file.Profile("a").DecimalComma);
        var (code, _, error) = Run("train", "--data", path, "--label", "y", "--decimal-separator", "semicolon", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "--decimal-separator 'semicolon' is not a decimal separator; give '.' or ','.");
    }

    [TestMethod]
    public void ANumericLookingColumnThatIsNotReadAsNumbersIsWarnedInThePlanAndOnStderrByTrainAndCompare()
    {
        using var dir = new TempDirectory();
        string path = Write(dir, "export.csv", DecimalCommaCsv());
        // --decimal-separator . turns the detection off: a and b become strings (identifiers), as they silently did before.
        var train = Run("train", "--data", path, "--label", "y", "--separator", ";", "--decimal-separator", ".", "-q", "--model", dir.File("m.zip"));
        var compare = Run("compare", "--data", path, "--label", "y", "--separator", ";", "--decimal-separator", ".", "--trainers", "gd", "--cv", "2", "--repeats", "1", "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, train.ExitCode, "the label is not a number in this reading: " + train.Error);
        StringAssert.Contains(train.Error, "It looks like a number with a decimal comma: give --decimal-separator , (the field separator stays ';').");
        Assert.IsFalse(train.Error.Contains("--separator ,", StringComparison.Ordinal), "the hint used to send users to --separator ,");
        Assert.AreEqual(train.Error, compare.Error);

        // With a label that is a number either way, the features are warned about.
        string ints = Write(dir, "ints.csv", string.Join('\n', DecimalCommaCsv().Split('\n').Select((l, i) => i == 0 || l.Length == 0 ? l : l[..l.LastIndexOf(';')] + ";" + i)));
        train = Run("train", "--data", ints, "--label", "y", "--separator", ";", "--decimal-separator", ".", "--explain", "-q", "--model", dir.File("m.zip"));
        compare = Run("compare", "--data", ints, "--label", "y", "--separator", ";", "--decimal-separator", ".", "--trainers", "gd", "--cv", "2", "--repeats", "1", "-q", "--out", dir.File("r"));
        Assert.AreEqual(0, train.ExitCode, train.Error);
        Assert.AreEqual(0, compare.ExitCode, compare.Error);
        foreach (string text in new[] { train.Error, compare.Error })
        {
            StringAssert.Contains(text, "warning: column 'a': 100% of its cells look like numbers (such as '");
            StringAssert.Contains(text, "if its numbers have a decimal comma, give --decimal-separator ,");
            StringAssert.Contains(text, "warning: column 'b'");
        }
        StringAssert.Contains(train.Output, "Warning: column 'a'");
        StringAssert.Contains(compare.Output, "Warning: column 'a'");
        StringAssert.Contains(File.ReadAllText(dir.File("r/report.md")), "column 'a': 100% of its cells look like numbers");
    }

    [TestMethod]
    public void AHeaderOf5000ColumnsIsReadWholeNotCutAt4096()
    {
        using var dir = new TempDirectory();
        const int columns = 5000;
        var text = new StringBuilder("y," + string.Join(',', Enumerable.Range(1, columns - 1).Select(j => $"x{j}")) + "\n");
        for (int i = 0; i < 30; i++)
            text.Append(i).Append(',').Append(string.Join(',', Enumerable.Range(1, columns - 1).Select(j => ((i * j) % 7).ToString(CultureInfo.InvariantCulture)))).Append('\n');
        var file = DelimitedFile.Read(Write(dir, "wide.csv", text.ToString()));
        Assert.AreEqual(columns, file.ColumnNames.Count);
        Assert.AreEqual("x4999", file.ColumnNames[^1]);
        Assert.AreEqual(30, file.RowCount);
        Assert.IsTrue(file.Profile("x4999").IsNumeric);
    }

    [TestMethod]
    public void AHeaderOverTheLimitSaysHowManyColumnsItHasAndHowManyAreSupported()
    {
        using var dir = new TempDirectory();
        int columns = DelimitedFile.MaxColumns + 1;
        string path = Write(dir, "toowide.csv", string.Join(',', Enumerable.Range(1, columns).Select(j => $"c{j}")) + "\n" + string.Join(',', Enumerable.Repeat("1", columns)) + "\n");
        var e = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(path));
        Assert.AreEqual(1, e.LineNumber, "the header is to blame, not line 2");
        StringAssert.Contains(e.Message, $"line 1 (header): the header has {columns} columns; at most {DelimitedFile.MaxColumns} are supported.");
    }

    [TestMethod]
    public void ACategoricalColumnOfMoreThan10000LevelsThatRepeatIsHashedNotDropped()
    {
        using var dir = new TempDirectory();
        // 12,000 levels, each on 3 rows: the old scan stopped counting at 10,000 and dropped the column "like an identifier".
        var text = new StringBuilder("shop,y\n");
        for (int i = 0; i < 36_000; i++)
            text.Append(CultureInfo.InvariantCulture, $"s{i % 12_000},{i % 12_000 % 97}\n");
        string path = Write(dir, "shops.csv", text.ToString());
        var plan = ColumnInference.Infer(DelimitedFile.Read(path), "y");
        var shop = plan.Columns.Single();
        Assert.AreEqual(ColumnKind.Categorical, shop.Kind);
        Assert.IsTrue(shop.IsHashed);
        Assert.AreEqual(12_000, shop.DistinctCount);
        StringAssert.Contains(shop.Treatment, "hashed one-hot encoding (12000 levels into 1024 slots)");
        Assert.AreEqual(0, plan.Warnings.Count);
    }

    [TestMethod]
    public void AColumnWithNearlyEveryValueDistinctIsDroppedAsAnIdentifierAndSaidOnStderr()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("order,x,y\n");
        for (int i = 0; i < 200; i++)
            text.Append(CultureInfo.InvariantCulture, $"ord-{(i < 190 ? i : 0)},{i % 10},{2 * (i % 10) + 1}\n");   // 190 values in 200 cells
        string path = Write(dir, "orders.csv", text.ToString());
        var (code, output, error) = Run("train", "--data", path, "--label", "y", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "warning: column 'order' is dropped: has 190 different values in 200 cells, like an identifier. Give --categorical 'order' to use it (hashed).");
        StringAssert.Contains(output, "1 columns (x)");
    }

    [TestMethod]
    public void AnIdentifierPastTheHoldingLimitIsCountedByHashAndAColumnThatRepeatsLaterIsReadAgain()
    {
        using var dir = new TempDirectory();
        int distinct = TextColumnScanner.MaxLevelsHeld + 10_000;
        var text = new StringBuilder("id,code,y\n");
        for (int i = 0; i < distinct + 20_000; i++)
            text.Append(CultureInfo.InvariantCulture, $"u{i},c{(i < distinct ? i : i % 50)},{i % 7}\n");   // id: every value distinct; code: 84% distinct
        var file = DelimitedFile.Read(Write(dir, "ids.csv", text.ToString()));
        Assert.AreEqual(distinct + 20_000, file.Profile("id").DistinctCount, "counted exactly, by hash");
        Assert.AreEqual(distinct, file.Profile("code").DistinctCount);
        var plan = ColumnInference.Infer(file, "y");
        Assert.AreEqual(ColumnKind.Ignored, plan.Columns.Single(c => c.Name == "id").Kind);
        var code = plan.Columns.Single(c => c.Name == "code");
        Assert.AreEqual(ColumnKind.Categorical, code.Kind, "the repeats come after the holding limit: hashed, not dropped");
        Assert.AreEqual(TimeSpan.Zero, file.RereadTime);
        var ml = new Microsoft.ML.MLContext(0);
        var featurized = plan.CreatePipeline(ml).Fit(plan.Load(ml, file)).Transform(plan.Load(ml, file));
        Assert.IsTrue(file.RereadTime > TimeSpan.Zero, "'code' was not held past the limit, so it is read again when the plan uses it");
        Assert.AreEqual(distinct + 20_000, featurized.GetColumn<float>("y").Count());
    }
}
