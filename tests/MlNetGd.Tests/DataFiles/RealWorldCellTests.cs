using System.Globalization;
using MlNetGd.Data;
using MlNetGd.Tests.Comparison;

namespace MlNetGd.Tests.DataFiles;

/// <summary>Issue 22's second pass, on cells: what real files write for a missing value, a thousands separator, a currency, a date.</summary>
[TestClass]
public sealed class RealWorldCellTests
{
    private static FeaturizationPlan Plan(TempDirectory dir, string text, char? separator = null)
    {
        File.WriteAllText(dir.File("d.csv"), text);
        return ColumnInference.Infer(DelimitedFile.Read(dir.File("d.csv"), separator), "y");
    }

    /// <summary>30 rows "a,y" where every 5th cell of a is <paramref name="marker"/>.</summary>
    private static string WithMarker(string marker) =>
        "a,y\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{(i % 5 == 0 ? marker : (i * 1.5).ToString(CultureInfo.InvariantCulture))},{i}\n"));

    [TestMethod]
    [DataRow("NA"), DataRow("N/A"), DataRow("n/a"), DataRow("null"), DataRow("NULL"), DataRow("None"), DataRow("NaN"), DataRow("nan"),
     DataRow("-nan"), DataRow("?"), DataRow("-"), DataRow("#N/A"), DataRow("#NA"), DataRow("<NA>"), DataRow("\"\""), DataRow("1.#QNAN")]
    public void PandasMissingMarkersInANumericColumnAreMissingValues(string marker)
    {
        // Before: None, -, #N/A, #NA, <NA>, -nan and 1.#QNAN made the column categorical (33 levels) with a "looks like numbers" warning.
        using var dir = new TempDirectory();
        var plan = Plan(dir, WithMarker(marker));

        var a = plan.Columns.Single();
        Assert.AreEqual(ColumnKind.Numeric, a.Kind, a.Reason);
        Assert.AreEqual(6, a.MissingCount);
        Assert.AreEqual(0, plan.Warnings.Count, string.Join("\n", plan.Warnings));
    }

    [TestMethod]
    [DataRow(0)]    // the chunk ends just before the comment line
    [DataRow(1)]    // between the comment's two slashes
    [DataRow(12)]   // inside the comment's quoted text: the line break inside the "field" is in the next chunk
    [DataRow(23)]   // just before the comment's line break
    public void ACommentLineWithAnOpenQuoteAcrossTheByteChunkBoundaryIsSkipped(int commentBytesInFirstChunk)
    {
        // Before: the quote check looked for "//" only in the chunk holding the line break, so a comment line that began in the
        // previous 1 MB chunk was taken for a quoted field cut by a line break, and the file was refused.
        using var dir = new TempDirectory();
        const string comment = "// note, \"an open quote\n";
        var text = new System.Text.StringBuilder("x,y\n");
        int rows = 0;
        for (; text.Length < (1 << 20) - 64; rows++)
            text.Append(CultureInfo.InvariantCulture, $"{rows % 7},{rows % 11}\n");
        text.Append('1', (1 << 20) - text.Length - 3 - commentBytesInFirstChunk).Append(",2\n");   // one row that ends the chunk there
        Assert.AreEqual((1 << 20) - commentBytesInFirstChunk, text.Length);
        text.Append(comment).Append("3,4\n");
        File.WriteAllText(dir.File("d.csv"), text.ToString());

        var file = DelimitedFile.Read(dir.File("d.csv"));

        Assert.AreEqual(rows + 2, file.RowCount);
        Assert.AreEqual("3,4", file.DataLines().Last());
    }

    [TestMethod]
    public void ASemicolonFileWhoseCommasHaveThreeDigitsAfterThemWarnsThatTheyMayGroupThousands()
    {
        // Before: 12,500 was read as 12.5 without a word. One cell cannot tell; a column where every comma has three digits after it
        // (and one to three before) is read as before, with a warning naming the column and the option.
        using var dir = new TempDirectory();
        string text = "a;amount;y\n" + string.Concat(Enumerable.Range(0, 30).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{i % 4};{(i % 3 == 0 ? $"{i * 3}" : $"{10 + i},{i % 2 * 5}00")};{i}\n")));

        var plan = Plan(dir, text, ';');

        var amount = plan.Columns.Single(c => c.Name == "amount");
        Assert.AreEqual(ColumnKind.Numeric, amount.Kind);
        var warning = plan.Warnings.Single();
        StringAssert.Contains(warning, "column 'amount': its numbers are read with a decimal comma ('11,500' is 11.5)");
        StringAssert.Contains(warning, "('11,500' is 11500), remove the commas");
        StringAssert.Contains(warning, "give --decimal-separator ,");
        File.WriteAllText(dir.File("d.csv"), text);
        Assert.AreEqual(0, ColumnInference.Infer(DelimitedFile.Read(dir.File("d.csv"), ';', decimalSeparator: ','), "y").Warnings.Count);
        Assert.AreEqual(0, Plan(dir, text.Replace("00;", "0;", StringComparison.Ordinal), ';').Warnings.Count, "two decimals: a decimal comma");
    }

    [TestMethod]
    public void ASemicolonFileWithTwoCommasInANumberIsNotReadWithADecimalComma()
    {
        // 1,234,567 can only group thousands, so 12,500 in the same column does too: not 12.5, and the plan says to remove the commas.
        using var dir = new TempDirectory();
        string text = "a;amount;y\n" + string.Concat(Enumerable.Range(0, 30).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{i % 4};{(i % 10 == 0 ? $"1,{i + 100},500" : $"{10 + i},500")};{i}\n")));

        var plan = Plan(dir, text, ';');

        Assert.AreNotEqual(ColumnKind.Numeric, plan.Columns.Single(c => c.Name == "amount").Kind);
        StringAssert.Contains(plan.Warnings.Single(), "remove the commas");
    }

    [TestMethod]
    [DataRow("\"${0:N2}\"", "$1,000.00")]
    [DataRow("€{0}", "€1000")]
    [DataRow("{0} €", "1000 €")]
    public void AmountsWithACurrencySignWarnThatTheSignsKeepThemFromBeingNumbers(string format, string first)
    {
        // Before: dropped "like an identifier" with the advice to give --categorical (hashed), which would one-hot every amount.
        using var dir = new TempDirectory();
        var plan = Plan(dir, "a,price,y\n" + string.Concat(Enumerable.Range(0, 30).Select(i =>
            $"{i % 4},{string.Format(CultureInfo.InvariantCulture, format, 1000 + i * 37)},{i}\n")));

        Assert.IsFalse(plan.Columns.Single(c => c.Name == "price").IsUsed);
        var warning = plan.Warnings.Single();
        StringAssert.Contains(warning, $"column 'price': 100% of its cells look like numbers (such as '{first}')");
        StringAssert.Contains(warning, "remove the signs");
    }

    [TestMethod]
    [DataRow("{0:yyyy-MM-dd}"), DataRow("{0:yyyy-MM-ddTHH:mm:ssZ}"), DataRow("{0:MM/dd/yyyy}"), DataRow("{0:dd.MM.yyyy}"), DataRow("{0:HH:mm}")]
    public void DatesThatDoNotRepeatAreDroppedWithAWarningAndDatesThatRepeatAreOneHotEncoded(string format)
    {
        // Before: 30 dates in 30 rows were one-hot encoded (30 levels, one a row: the fit learned each row's label), and 31.01.2024
        // was not a date at all (dropped "like an identifier").
        using var dir = new TempDirectory();
        string Rows(Func<int, int> day) => "a,when,y\n" + string.Concat(Enumerable.Range(0, 30).Select(i =>
            $"{i % 4},{string.Format(CultureInfo.InvariantCulture, format, new DateTime(2024, 1, 1, 8, 0, 0).AddDays(day(i)).AddMinutes(day(i) * 7))},{i}\n"));

        var plan = Plan(dir, Rows(i => i));
        var when = plan.Columns.Single(c => c.Name == "when");
        Assert.AreEqual(ColumnKind.DateTime, when.Kind, when.Reason);
        Assert.IsFalse(when.IsUsed);
        StringAssert.Contains(plan.Warnings.Single(), "column 'when' is dropped: every cell is a date, 30 distinct in 30 cells; a linear model cannot use a raw date");

        plan = Plan(dir, Rows(i => i % 3));
        when = plan.Columns.Single(c => c.Name == "when");
        Assert.AreEqual(ColumnKind.DateTime, when.Kind, when.Reason);
        Assert.IsTrue(when.IsUsed);
        Assert.AreEqual(0, plan.Warnings.Count);
    }
}
