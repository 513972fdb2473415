using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.DataFiles;

/// <summary>Quoted fields holding line breaks (RFC 4180; spreadsheets' and pandas' exports of free text): each record is one row, read
/// by <c>TextLoader</c> with <c>ReadMultilines</c>, and every message names the line its record starts on.</summary>
[TestClass]
public sealed class MultilineRecordTests
{
    private const int Rows = 90;

    /// <summary>x, note, z, y with y = 3x + 2·[z = a] (+ 4 when the note says "red", for a text model). Every third note is quoted and
    /// spans three lines (a CRLF and a LF inside it, and an escaped quote); <paramref name="flat"/> puts spaces instead of the breaks.</summary>
    private static string Csv(bool flat, bool redCounts = false)
    {
        var text = new StringBuilder("x,note,z,y\r\n");
        for (int i = 0; i < Rows; i++)
        {
            double x = i % 10 * 0.7 + i % 7 * 0.1;
            string z = "abc"[i % 3].ToString();
            bool red = i % 4 == 0;
            double y = 3 * x + (z == "a" ? 2 : 0) + (redCounts && red ? 4 : 0);
            string colour = red ? "red" : "blue";
            string note = i % 3 == 0
                ? $"\"the {colour} one\r\nsecond line, {i % 5}\nsaid \"\"hi\"\"\"" : $"a {colour} one {i % 5}";
            text.Append(CultureInfo.InvariantCulture, $"{x},{(flat ? note.Replace("\r\n", " ").Replace('\n', ' ') : note)},{z},{y}\r\n");
        }
        return text.ToString();
    }

    [TestMethod]
    public void AFileWithLineBreaksInQuotedFieldsTrainsTheModelOfTheSameFileWithSpacesWhenTheTextIsNotUsed()
    {
        // Before: refused ("a quoted field starts on this line and is not closed before the line ends").
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("multi.csv"), Csv(flat: false));
        File.WriteAllText(dir.File("flat.csv"), Csv(flat: true));

        var (code, output, error) = Run("train", "--data", dir.File("multi.csv"), "--label", "y", "--ignore", "note", "--model", dir.File("multi.zip"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, $"Trained on {Rows} rows");
        (code, _, error) = Run("train", "--data", dir.File("flat.csv"), "--label", "y", "--ignore", "note", "--model", dir.File("flat.zip"));
        Assert.AreEqual(0, code, error);

        var fromMulti = Run("predict", "--model", dir.File("multi.zip"), "--data", dir.File("flat.csv"));
        var fromFlat = Run("predict", "--model", dir.File("flat.zip"), "--data", dir.File("flat.csv"));
        Assert.AreEqual(0, fromMulti.ExitCode, fromMulti.Error);
        Assert.AreEqual(fromFlat.Output, fromMulti.Output, "the same rows give the same model bit for bit");
    }

    [TestMethod]
    public void ATextCellKeepsItsLineBreaksAndATextModelLearnsFromIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("multi.csv"), Csv(flat: false, redCounts: true));
        var file = DelimitedFile.Read(dir.File("multi.csv"), kinds: new ColumnOverrides { Text = ["note"] });
        Assert.AreEqual(Rows, file.RowCount);
        var ml = new MLContext(0);
        var notes = file.Load(ml, [("note", DataKind.String)]).GetColumn<ReadOnlyMemory<char>>("note").Select(n => n.ToString()).ToArray();
        Assert.AreEqual("the red one\nsecond line, 0\nsaid \"hi\"", notes[0], "a CRLF inside quotes is read as \\n, as TextLoader joins lines");
        Assert.AreEqual("a blue one 1", notes[1]);

        var (code, output, error) = Run("train", "--data", dir.File("multi.csv"), "--label", "y", "--text", "note", "--model", dir.File("m.zip"));
        Assert.AreEqual(0, code, error);
        double rmse = double.Parse(Regex.Match(output, @"training RMSE ([0-9.]+[0-9])").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.IsTrue(rmse < 0.5, $"the word 'red' adds 4 to y (label spread about 6.6); a model that reads the notes fits it: RMSE {rmse}\n{output}");
    }

    [TestMethod]
    public void PredictWritesOneRowPerRecordInOrderWithTheRecordsAsTheyWere()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("multi.csv"), Csv(flat: false));
        File.WriteAllText(dir.File("flat.csv"), Csv(flat: true));
        Assert.AreEqual(0, Run("train", "--data", dir.File("flat.csv"), "--label", "y", "--ignore", "note", "--model", dir.File("m.zip")).ExitCode);

        var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("multi.csv"), "--out", dir.File("scored.csv"));
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(0, Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("flat.csv"), "--out", dir.File("flat-scored.csv")).ExitCode);

        var scored = DelimitedFile.Read(dir.File("scored.csv"));
        var flatScored = DelimitedFile.Read(dir.File("flat-scored.csv"));
        Assert.AreEqual(Rows, scored.RowCount, "one output row per input record");
        var ml = new MLContext(0);
        float[] Scores(DelimitedFile f) => f.Load(ml, [("Score", DataKind.Single)]).GetColumn<float>("Score").ToArray();
        CollectionAssert.AreEqual(Scores(flatScored), Scores(scored), "each record's score is on its own row, in order");
        string[] inputRecords = DelimitedFile.Read(dir.File("multi.csv")).DataLines().ToArray();
        string[] outputRecords = scored.DataLines().ToArray();
        for (int i = 0; i < Rows; i++)
            StringAssert.StartsWith(outputRecords[i], inputRecords[i] + ",", $"record {i} is written as it was, then its score");
        Assert.AreEqual(Regex.Split(Csv(flat: false), "\r\n|\r|\n").Length, File.ReadAllText(dir.File("scored.csv")).Split('\n').Length, "every line break kept");
    }

    [TestMethod]
    public void CompareReadsEveryRecordAsOneRow()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("multi.csv"), Csv(flat: false));

        var (code, output, error) = Run("compare", "--data", dir.File("multi.csv"), "--label", "y", "--trainers", "gd,sdca", "--cv", "3", "--out", dir.File("report"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(File.ReadAllText(dir.File("report/results.json")), $"\"rowCount\": {Rows}");
        Assert.IsFalse(output.Contains("dropped", StringComparison.Ordinal), output);
    }

    [TestMethod]
    public void ErrorsAfterAMultiLineRecordNameTheLineTheirRowStartsOn()
    {
        using var dir = new TempDirectory();
        // Line 1 header; lines 2-4 one record; line 5 a record; lines 6-7 one record (a CR alone inside it); line 8 the bad cell.
        string Head(string tail) => "x,note,y\n1,\"a\nb\r\nc\",1\n2,plain,2\n3,\"d\re\",3\n" + tail;
        File.WriteAllText(dir.File("bad.csv"), Head("four,x,4\n5,y,5\n"));
        var (code, _, error) = Run("train", "--data", dir.File("bad.csv"), "--label", "y", "--numeric", "x", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "bad.csv, line 8, column 'x': 'four'");

        File.WriteAllText(dir.File("inside.csv"), "x,note,y\n1,\"a\nb\",1\nfive,\"c\nd\",2\n3,e,3\n");
        (code, _, error) = Run("train", "--data", dir.File("inside.csv"), "--label", "y", "--numeric", "x", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "inside.csv, line 4, column 'x': 'five'", "a multi-line record is named by the line it starts on");

        File.WriteAllText(dir.File("cell.csv"), "x,y\n1,1\n\"5\n6\",2\n3,3\n");
        (code, _, error) = Run("train", "--data", dir.File("cell.csv"), "--label", "y", "--numeric", "x", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "cell.csv, line 3, column 'x': '5\\n6' is not a number", "the cell's line break shown, the message on one line");

        File.WriteAllText(dir.File("extra.csv"), Head("4,x,4,9\n"));
        (code, _, error) = Run("train", "--data", dir.File("extra.csv"), "--label", "y", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "extra.csv, line 8: more fields than the 3 columns");

        File.WriteAllText(dir.File("nul.csv"), Head("4,x\0,4\n"));
        (code, _, error) = Run("predict", "--model", TrainedModel(dir), "--data", dir.File("nul.csv"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "nul.csv, line 8: holds a NUL byte");

        File.WriteAllBytes(dir.File("latin1.csv"), [.. Encoding.UTF8.GetBytes("x,note,y\n1,\"a\nb\",1\n2,\"caf"), 0xE9, .. "\n\",2\n"u8]);
        (code, _, error) = Run("train", "--data", dir.File("latin1.csv"), "--label", "y", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "latin1.csv, line 4: holds bytes that are not UTF-8 (0xE9)", "the byte's own line");
    }

    [TestMethod]
    [DataRow("x,y\n1,2\n\"Oslo,2\n3,4\n5,6\n", 3)]
    [DataRow("x,y\n1,\"a\nb\"\n2,3\n4,\"unclosed \"\"quote\"\"\n5,6", 5)]
    [DataRow("\"x\ny\",z\n1,2\n3,\"4", 4)]
    public void AQuoteOpenAtTheEndOfTheFileIsRefusedNamingTheLineItStartsOn(string csv, int line)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), csv);

        var (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, $"d.csv, line {line}: a quoted field starts on this line and is never closed");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
    }

    [TestMethod]
    [DataRow("city,y\n\"Oslo,2\nBergen,3\n\"Tromsø\",4\n5,6\n", 2, 4, "'T'")]
    [DataRow("city,y\r\n1,2\r\n\"Oslo\"\"s\r\n3,4\r\n\"é,5\r\n", 3, 5, "another character")]
    public void AStrayQuoteThatJoinsLinesIsRefusedNamingBothLines(string csv, int start, int close, string next)
    {
        // The loader would read the lines between as one record, and the field closed by a quoting error as missing.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), csv);

        var (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, $"d.csv, line {start}: a quoted field starts on this line and runs to line {close}, where its closing quote is followed by {next} instead of the separator");
    }

    [TestMethod]
    [DataRow("city,y\nOslo,1\n\"12\" pipe,2\nBergen,3\n", 3, "'p'")]
    [DataRow("x,city,y\n1,Oslo,1\n2,Bergen,2\n3, \"Tromsø\"x ,3\n", 4, "'x'")]
    [DataRow("x,y\n1,2\n\"3\"4,5\n", 3, "'4'")]
    public void AQuotingErrorOnOneLineIsRefusedNamingTheLineInsteadOfReadingTheCellAsMissing(string csv, int line, string next)
    {
        // TextLoader reads a quoted field followed by anything but spaces and the separator as a missing cell, silently.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), csv);

        var (code, _, error) = Run("train", "--data", dir.File("d.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");

        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, $"d.csv, line {line}: a quoted field's closing quote is followed by {next} instead of the separator, so the loader would read the cell as missing");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
    }

    [TestMethod]
    public void AHeaderNameHoldingALineBreakIsRefusedAndWithoutAHeaderTheFirstRecordMaySpanLines()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "\"price\n(EUR)\",\"size\",note\n1,2,\"a\nb\"\n3,4,c\n");

        var error = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(dir.File("d.csv")));
        StringAssert.Contains(error.Message, "d.csv, line 1 (header): a quoted column name holds a line break (the header runs to line 2). Put every column name on one line.");

        var file = DelimitedFile.Read(dir.File("d.csv"), hasHeader: false);
        CollectionAssert.AreEqual(new[] { "column1", "column2", "column3" }, file.ColumnNames.ToArray());
        Assert.AreEqual(3, file.RowCount);
        Assert.AreEqual(3, file.LineOf(1));
        Assert.AreEqual(5, file.LineOf(2));
    }

    [TestMethod]
    public void ALineHoldingOnlyASlashIsNamedInsteadOfFailingInsideTheLoader()
    {
        // ML.NET 6's multi-line reader reads line[1] of every line starting with '/', so a line "/" throws IndexOutOfRangeException.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "x,note,y\n1,\"a\nb\",1\n/\n2,c,2\n");

        var error = Assert.ThrowsExactly<DataFileException>(() => DelimitedFile.Read(dir.File("d.csv")));

        StringAssert.Contains(error.Message, "d.csv, line 4: holds only '/'");
    }

    [TestMethod]
    public void LinesStartingWithAHashBeforeTheHeaderAreSkippedAsTheLoaderSkipsThem()
    {
        // Before: the '#' line was taken as the header while TextLoader skipped it: "Can't determine the number of source columns
        // without valid data". A '#' line after the first record is a row, as the loader reads it.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("d.csv"), "# exported by a tool\n\n# on a day\nx,z,y\n1,a,2\n#2,b,4\n3,a,6\n4,b,8\n5,a,10\n");

        var file = DelimitedFile.Read(dir.File("d.csv"));

        CollectionAssert.AreEqual(new[] { "x", "z", "y" }, file.ColumnNames.ToArray());
        Assert.AreEqual(5, file.RowCount);
        Assert.AreEqual(6, file.LineOf(1));
        Assert.AreEqual("#2", file.Profile("x").FirstNonNumeric?.Text);
        var (code, output, error) = Run("predict", "--model", TrainedModelOn(dir, file.FilePath), "--data", file.FilePath);
        Assert.AreEqual(0, code, error);
        StringAssert.StartsWith(output, "x,z,y,Score\n1,a,2,");
    }

    private static string TrainedModelOn(TempDirectory dir, string data)
    {
        var (code, _, error) = Run("train", "--data", data, "--label", "y", "--ignore", "x", "--model", dir.File("hash.zip"), "-q");
        Assert.AreEqual(0, code, error);
        return dir.File("hash.zip");
    }

    [TestMethod]
    public void TheLineMapIsTheSameWhereverTheChunksCutTheFile()
    {
        using var dir = new TempDirectory();
        // Leading '#' and '//' lines in any order (quotes on them are no fields), CRLF and lone CRs inside and outside quotes, escaped quotes, a
        // quote closing just before a break, a quote after a field's first letter (a letter), a 2- and a 3-byte
        // character inside quotes, a BOM before a quoted header name, a '//' line inside quotes and one outside.
        string csv = "\uFEFF# exported,\"by a tool\r\n// a comment\r\n#,\"on a day\r\n\"a\",b,c\r\n1,\"x\r\ny\",\"\"\"\"\r\n// \"open\r\n2,\"ø\n€\r//\n\",3\r" +
            "3,\"q\",n\"ot\n4,5,6\n  \"sp\"  ,\"e\n\"\n7,8,\"\"\"\"\"\n\"\n";
        File.WriteAllText(dir.File("d.csv"), csv);
        var whole = FileBytes.Read(dir.File("d.csv"), "d.csv", ',');
        var records = whole.Records(dir.File("d.csv")).ToArray();
        CollectionAssert.AreEqual(new[] { 4, 5, 8, 12, 13, 14, 16 }, records.Select(r => r.Line).ToArray(), string.Join(" | ", records));
        Assert.AreEqual("2,\"ø\n€\n//\n\",3", records[2].Text);
        Assert.AreEqual(18, whole.Count);

        var file = DelimitedFile.Read(dir.File("d.csv"));
        Assert.AreEqual(records.Length - 1, file.RowCount, "the loader reads the records the map finds");
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, file.ColumnNames.ToArray());
        for (int chunk = 1; chunk <= csv.Length + 1; chunk++)
        {
            var cut = FileBytes.Read(dir.File("d.csv"), "d.csv", ',', chunk);
            Assert.AreEqual(whole.Count, cut.Count, $"chunks of {chunk} bytes");
            CollectionAssert.AreEqual(records, cut.Records(dir.File("d.csv")).ToArray(), $"chunks of {chunk} bytes");
        }
        // A quote on a '#' line after a '//' line, after a byte-order mark that small chunks cut: no field, so no record spans lines 2-5.
        File.WriteAllText(dir.File("lead.csv"), "\uFEFF// a comment\r\n#,\"on a day\r\nx,y\r\n1,2\r\n3,\"4\r\n5\"\r\n");
        for (int chunk = 1; chunk <= 64; chunk++)
        {
            var lead = FileBytes.Read(dir.File("lead.csv"), "lead.csv", ',', chunk);
            CollectionAssert.AreEqual(new[] { (3, "x,y"), (4, "1,2"), (5, "3,\"4\n5\"") }, lead.Records(dir.File("lead.csv")).ToArray(), $"chunks of {chunk} bytes");
        }
        File.WriteAllText(dir.File("open.csv"), csv + "8,\"never\r\nclosed\r\n");
        for (int chunk = 1; chunk <= 64; chunk++)
            Assert.AreEqual(18, Assert.ThrowsExactly<DataFileException>(() => FileBytes.Read(dir.File("open.csv"), "open.csv", ',', chunk)).LineNumber);
    }
}
