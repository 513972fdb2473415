using System.Globalization;
using System.Text;
using MlNetGd.Data;
using MlNetGd.Tests.Cli;
using MlNetGd.Tests.Comparison;

namespace MlNetGd.Tests.DataFiles;

/// <summary>The cases issue 21's adversarial pass left open in the data path (RELIABILITY.md, B2–B4, C4, C7): files the loader would
/// read silently wrong, and a number too large named as such.</summary>
[TestClass]
public sealed class EncodingTests
{
    private static string Rows(int count, Func<int, string> row) =>
        "city,x,y\n" + string.Concat(Enumerable.Range(0, count).Select(i => row(i) + "\n"));

    private static string Line(int i) => string.Create(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? "Malmö" : "Zürich")},{i % 7},{i}");

    [TestMethod]
    public void ALatin1FileIsRefusedNamingTheLineInsteadOfMergingItsLevels()
    {
        using var dir = new TempDirectory();
        // café and cafè are one level once their Latin-1 bytes are read as UTF-8 (each becomes U+FFFD).
        string text = Rows(300, i => i == 250 ? "café,1,2" : i == 251 ? "cafè,1,3" : string.Create(CultureInfo.InvariantCulture, $"Oslo,{i % 7},{i}"));
        File.WriteAllBytes(dir.File("latin1.csv"), Encoding.Latin1.GetBytes(text));
        var e = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(dir.File("latin1.csv")));
        Assert.AreEqual(252, e.LineNumber, e.Message);
        StringAssert.Contains(e.Message, "line 252: holds bytes that are not UTF-8 (0xE9)");
        StringAssert.Contains(e.Message, "Convert it to UTF-8");
    }

    [TestMethod]
    public void UnicodeInUtf8IsReadAndACharacterAcrossTheFirstMegabyteIsWhole()
    {
        using var dir = new TempDirectory();
        // Enough rows that a two-byte character straddles the 1 MiB chunks the bytes are checked in.
        var text = new StringBuilder("city,x,y\n");
        for (int i = 0; text.Length < 1_200_000; i++)
            text.Append(Line(i)).Append('\n');
        File.WriteAllText(dir.File("utf8.csv"), text.ToString(), new UTF8Encoding(false));
        var file = DelimitedFile.Read(dir.File("utf8.csv"));
        CollectionAssert.AreEquivalent(new[] { "Malmö", "Zürich" }, file.Profile("city").Samples.ToArray());
        Assert.AreEqual(2, file.Profile("city").DistinctCount);
    }

    [TestMethod]
    [DataRow("utf-16LE with a BOM", "little-endian")]
    [DataRow("utf-16BE without a BOM", "big-endian")]
    public void AUtf16FileIsNamedAsUtf16NotAsBinary(string encoding, string order)
    {
        using var dir = new TempDirectory();
        var bytes = encoding.StartsWith("utf-16LE", StringComparison.Ordinal)
            ? [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Rows(50, Line))]
            : Encoding.BigEndianUnicode.GetBytes(Rows(50, Line));
        File.WriteAllBytes(dir.File("utf16.csv"), bytes);
        var e = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(dir.File("utf16.csv")));
        StringAssert.Contains(e.Message, $"is text in UTF-16 ({order}); give a UTF-8 file");
    }

    [TestMethod]
    [DataRow(3, DisplayName = "in the first 4 KB, which the binary check reads")]
    [DataRow(600, DisplayName = "after the first 4 KB")]
    public void ANulByteInACellNamesItsLineAndSaysWhatItIs(int row)
    {
        using var dir = new TempDirectory();
        string text = Rows(800, i => i == row ? "Oslo,5\0,6" : Line(i));
        Assert.AreEqual(row > 100, Encoding.UTF8.GetByteCount(text[..text.IndexOf('\0', StringComparison.Ordinal)]) > 4096);
        File.WriteAllText(dir.File("nul.csv"), text, new UTF8Encoding(false));
        var e = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(dir.File("nul.csv")));
        Assert.AreEqual(row + 2, e.LineNumber);
        StringAssert.Contains(e.Message, $"line {row + 2}: holds a NUL byte");
    }

    [TestMethod]
    public void ANumberBeyondSinglePrecisionIsSaidToBeTooLargeNotToBeNoNumber()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("big.csv"), Rows(40, i => i == 30 ? "Oslo,1e308,3" : Line(i)));
        var file = DelimitedFile.Read(dir.File("big.csv"));
        var e = Assert.ThrowsExactly<DataFileException>(() => ColumnInference.Infer(file, "y"));
        StringAssert.Contains(e.Message, "line 32, column 'x': '1e308' is too large");
    }

    [TestMethod]
    [DataRow("Infinity")]
    [DataRow("-Infinity")]
    public void AnInfinityCellIsSaidToBeInfiniteNotToBeNoNumber(string cell)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("inf.csv"), Rows(40, i => i == 30 ? $"Oslo,{cell},3" : Line(i)));
        var e = Assert.ThrowsExactly<DataFileException>(() => ColumnInference.Infer(DelimitedFile.Read(dir.File("inf.csv")), "y"));
        StringAssert.Contains(e.Message, $"line 32, column 'x': '{cell}' is infinite: every number must be finite");
        e = Assert.ThrowsExactly<DataFileException>(() => ColumnInference.Infer(DelimitedFile.Read(dir.File("inf.csv")), "x"));
        StringAssert.Contains(e.Message, $"line 32, column 'x': '{cell}' is infinite", "the label too");
    }

    [TestMethod]
    public void PredictRefusesAnInfiniteCellNamingItsLine()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("train.csv"), Rows(60, Line));
        File.WriteAllText(dir.File("score.csv"), Rows(10, i => i == 4 ? "Oslo,Infinity,3" : Line(i)));
        var (code, _, error) = CliHarness.Run("train", "--data", dir.File("train.csv"), "--label", "y", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        (code, _, error) = CliHarness.Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("score.csv"), "--out", dir.File("s.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "score.csv, line 6, column 'x': 'Infinity' is infinite (or beyond single precision), so its score would be too");
        Assert.IsFalse(File.Exists(dir.File("s.csv")));
    }

    [TestMethod]
    public void PredictNamesTheFirstInfiniteCellEvenAfterAFiniteOneTooLargeToTrainOn()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("train.csv"), Rows(60, Line));
        // 1e20 is finite (too large to train on, not to score); 1e39 is beyond single precision: the score would be infinite.
        File.WriteAllText(dir.File("score.csv"), Rows(10, i => i switch { 2 => "Oslo,1e20,3", 6 => "Oslo,1e39,3", _ => Line(i) }));
        var (code, _, error) = CliHarness.Run("train", "--data", dir.File("train.csv"), "--label", "y", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        (code, _, error) = CliHarness.Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("score.csv"), "--out", dir.File("s.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "score.csv, line 8, column 'x': '1e39' is infinite (or beyond single precision), so its score would be too");

        File.WriteAllText(dir.File("score.csv"), Rows(10, i => i == 2 ? "Oslo,1e20,3" : Line(i)));
        (code, _, error) = CliHarness.Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("score.csv"), "--out", dir.File("s.csv"));
        Assert.AreEqual(0, code, error);
    }
}
