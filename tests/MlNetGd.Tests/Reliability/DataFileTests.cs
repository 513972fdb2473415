using System.Globalization;
using MlNetGd.Data;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Reliability;

/// <summary>Every kind of bad cell and bad file: the error names the file, the line as the file numbers it, the column and the value.</summary>
[TestClass]
public sealed class DataFileTests
{
    private static string Write(TempDirectory dir, string name, string text)
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    private static DataFileException ReadAndInfer(string path, string label = "y") =>
        Assert.ThrowsExactly<DataFileException>(() => ColumnInference.Infer(DelimitedFile.Read(path), label));

    [TestMethod]
    public void AnOutlierIsNamedByItsLineAndOriginalValueAndCompareAndTrainAgree()
    {
        using var dir = new TempDirectory();
        var lines = HousePrices.ToCsv(25, 1).Split('\n').ToList();
        lines[21] = "3e38" + lines[21][lines[21].IndexOf(',')..];   // line 22 of the file
        string path = Write(dir, "houses.csv", string.Join('\n', lines));
        var compare = Run("compare", "--data", path, "--label", "price", "-q", "--out", dir.File("r"));
        var train = Run("train", "--data", path, "--label", "price", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, compare.ExitCode, compare.Error);
        Assert.AreEqual(1, train.ExitCode, train.Output);
        StringAssert.Contains(compare.Error, "line 22, column 'area_m2': '3e38' is too large");
        Assert.AreEqual(compare.Error, train.Error, "compare and train read the file the same way");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
    }

    [TestMethod]
    public void AQuotedFieldHoldingTheSeparatorIsOneField()
    {
        using var dir = new TempDirectory();
        string rows = string.Concat(Enumerable.Range(0, 30).Select(i => $"\"Smith, {(i % 3 == 0 ? "a" : "b")}\",{i},{2 * i}\n"));
        var file = DelimitedFile.Read(Write(dir, "quoted.csv", "name,x,y\n" + rows));
        Assert.AreEqual(30, file.RowCount);
        var plan = ColumnInference.Infer(file, "y");
        Assert.AreEqual(2, plan.Columns.Single(c => c.Name == "name").DistinctCount);
    }

    [TestMethod]
    public void AnExtraFieldNamesItsLine()
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(Write(dir, "extra.csv", "x,y\n1,2\n\n3,4,5\n")));
        Assert.AreEqual(4, e.LineNumber);
        StringAssert.Contains(e.Message, "line 4: more fields than the 2 columns of the header (field 3 is '5')");
    }

    [TestMethod]
    public void AWrongSeparatorIsHinted()
    {
        using var dir = new TempDirectory();
        // A comma-separated file read as tab-separated (its name says .tsv): one column whose name holds the commas.
        string path = Write(dir, "houses.tsv", HousePrices.ToCsv(30, 1));
        var (code, _, error) = Run("compare", "--data", path, "--label", "price", "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "The label column 'price' is not in");
        StringAssert.Contains(error, "Is the separator right? It is a tab, but the text holds ',': give that separator (--separator ,).");

        // A cell that holds the separator of another file.
        string rows = string.Concat(Enumerable.Range(0, 20).Select(i => i == 5 ? "87.8;2,1\n" : $"{i},{i}\n"));
        var e = ReadAndInfer(Write(dir, "mixed.csv", "x,y\n" + rows));
        StringAssert.Contains(e.Message, "line 7, column 'x': '87.8;2' is not a number");
        StringAssert.Contains(e.Message, "Is the separator right? It is ',', but the text holds ';'");
    }

    [TestMethod]
    public void ABinaryFileShowsAShortPrintableExcerpt()
    {
        using var dir = new TempDirectory();
        var bytes = new byte[2000];
        new Random(1).NextBytes(bytes);
        "PK\u0003\u0004"u8.ToArray().CopyTo(bytes, 0);
        File.WriteAllBytes(dir.File("model.csv"), bytes);
        var (code, _, error) = Run("compare", "--data", dir.File("model.csv"), "--label", "y", "-q", "--out", dir.File("r"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "is not a text CSV/TSV file: it is binary (it starts with \"PK..");
        Assert.IsTrue(error.Length < 300, error);
        Assert.IsTrue(error.All(c => c == '\n' || !char.IsControl(c)), "only printable characters");
    }

    [TestMethod]
    public void ALabelThatIsNotANumberNamesItsLine()
    {
        using var dir = new TempDirectory();
        var e = ReadAndInfer(Write(dir, "label.csv", "x,y\n1,2\n2,abc\n3,4\n"));
        StringAssert.Contains(e.Message, "line 3, column 'y': 'abc' is not a number; the label must be a number");
    }

    [TestMethod]
    public void ALabelWithNoValuesIsAnError()
    {
        using var dir = new TempDirectory();
        var e = ReadAndInfer(Write(dir, "nolabel.csv", "x,y\n1,\n2,\n"));
        StringAssert.Contains(e.Message, "the label column 'y' has no values");
    }

    [TestMethod]
    [DataRow("", "is empty")]
    [DataRow("x,y\n", "has no data rows")]
    [DataRow("x,x\n1,2\n", "columns 1 and 2 are both named 'x'")]
    [DataRow("x,,y\n1,2,3\n", "column 2 has no name")]
    public void AMalformedFileIsAClearError(string text, string expected)
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(Write(dir, "bad.csv", text)));
        StringAssert.Contains(e.Message, expected);
        StringAssert.Contains(e.Message, dir.File("bad.csv"));
    }

    [TestMethod]
    public void EmptyAndMissingMarkersInANumericColumnAreMissingValues()
    {
        using var dir = new TempDirectory();
        string rows = string.Concat(Enumerable.Range(0, 20).Select(i => $"{(i switch { 3 => "", 4 => "NA", 5 => "?", 6 => "NaN", _ => i.ToString(CultureInfo.InvariantCulture) })},{i}\n"));
        var plan = ColumnInference.Infer(DelimitedFile.Read(Write(dir, "missing.csv", "x,y\n" + rows)), "y");
        var x = plan.Columns.Single();
        Assert.AreEqual(ColumnKind.Numeric, x.Kind);
        Assert.AreEqual(4, x.MissingCount);
        StringAssert.Contains(x.Treatment, "'x (missing)'");
    }

    [TestMethod]
    public void NoUsableFeatureIsAnErrorSayingWhy()
    {
        using var dir = new TempDirectory();
        var e = ReadAndInfer(Write(dir, "const.csv", "x,y\n5,1\n5,2\n5,3\n"));
        StringAssert.Contains(e.Message, "no column besides the label 'y' can be a feature: 'x' is constant");
    }
}
