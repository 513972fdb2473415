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
}
