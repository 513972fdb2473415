using System.Globalization;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 22's second pass: the shapes real users' CSV files have (pandas exports, spreadsheet exports, odd headers, missing
/// markers), each trained, scored or refused as a user expects.</summary>
[TestClass]
public sealed class RealWorldShapeTests
{
    /// <summary>30 rows of y = 2x − c + 1 with <paramref name="row"/> writing each line from (i, x, c, y).</summary>
    private static string Rows(string header, Func<int, string, string, string, string> row) =>
        header + "\n" + string.Concat(Enumerable.Range(0, 30).Select(i =>
        {
            double x = (i * 7) % 11, c = (i * 5) % 13;
            return row(i, x.ToString(CultureInfo.InvariantCulture), c.ToString(CultureInfo.InvariantCulture), (2 * x - c + 1).ToString(CultureInfo.InvariantCulture)) + "\n";
        }));

    [TestMethod]
    public void SpacesAroundHeaderNamesAreNotPartOfTheNames()
    {
        // Before: ' x , c ,y' kept trailing spaces ('x ') and lost leading ones, so --numeric x and --label ' y ' did not find them.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), Rows(" x , c , y ", (_, x, c, y) => $"{x},{c},{y}"));
        File.WriteAllText(dir.File("new.csv"), Rows("x,c,y", (_, x, c, y) => $"{x},{c},{y}"));

        var (code, output, error) = Run("train", "--data", dir.File("d.csv"), "--label", " y ", "--numeric", "x", "--model", dir.File("m.zip"), "--explain", "-q");

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "2 columns (x, c), label 'y'");
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("new.csv"), "--out", dir.File("p.csv"));
        Assert.AreEqual(0, code, error);
    }

    [TestMethod]
    public void NamesEqualButForSpacesAreAnErrorNamingBothColumns()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), Rows("x ,c, x,y", (_, x, c, y) => $"{x},{c},{x},{y}"));

        var (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "d.csv, line 1 (header): columns 1 and 3 are both named 'x' (spaces around a name do not count)");
    }

    [TestMethod]
    public void APandasIndexWithAnEmptyNameIsDroppedAsAnIdentifier()
    {
        // Before: "column 1 has no name", for every file pandas' to_csv writes with its index.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), Rows(",x,c,y", (i, x, c, y) => $"{i},{x},{c},{y}"));

        var (code, output, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "--explain", "-q");

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Unnamed: 0");
        StringAssert.Contains(output, "2 columns (x, c), label 'y'");
        StringAssert.Contains(error, "column 'Unnamed: 0'");
        StringAssert.Contains(error, "dropped (is an identifier");
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("d.csv"), "--out", dir.File("p.csv"));
        Assert.AreEqual(0, code, error);
    }

    [TestMethod]
    public void AColumnThatCountsTheRowsIsKeptWithAWarning()
    {
        // Before: a pandas index saved under a name (index=True, then renamed) trained as a feature without a word. It stays a feature
        // (a row number is a trend where rows are in time order), but the plan says what it is and how to drop it.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), Rows("n,x,c,y", (i, x, c, y) => $"{i + 1},{x},{c},{y}"));

        var (code, output, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "3 columns (n, x, c)");
        StringAssert.Contains(error, "column 'n' counts the rows (1, 2, 3, …), like an index");
        StringAssert.Contains(error, "--ignore 'n'");
    }

    [TestMethod]
    public void ALabelWithOneValueIsAnErrorSayingSo()
    {
        // Before: one data row was refused because every column was "constant", and one labelled row among 30 trained a model that
        // predicts that label everywhere ("29 of 30 rows have no label … 1 rows remain").
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("one.csv"), "x,c,y\n1,2,3\n");
        File.WriteAllText(dir.File("d.csv"), Rows("x,c,y", (i, x, c, y) => $"{x},{c},{(i == 4 ? y : "")}"));

        var (code, _, error) = Run("train", "--data", dir.File("one.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "the label column 'y' has a value in one row only (the file has one data row); a model needs at least two labelled rows");

        (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "has a value in one row only (29 of its 30 rows have none)");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
    }
}
