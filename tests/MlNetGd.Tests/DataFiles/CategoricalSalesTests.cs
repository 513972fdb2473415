using MlNetGd.Data;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.DataFiles;

[TestClass]
public sealed class CategoricalSalesTests
{
    [TestMethod]
    public void SameSeedSameBytesAndZipfLevels()
    {
        string a = CategoricalSales.ToCsv(5000, 3);
        Assert.AreEqual(a, CategoricalSales.ToCsv(5000, 3));
        Assert.AreNotEqual(a, CategoricalSales.ToCsv(5000, 4));
        var rows = a.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        var stores = rows.GroupBy(r => r[6]).ToDictionary(g => g.Key, g => g.Count());
        Assert.IsTrue(stores["S001"] > stores["S002"] && stores["S002"] > stores["S010"], "level k is drawn with probability ∝ 1/k^s");
        Assert.IsTrue(rows.Any(r => r[2].Length == 0), "some discounts are empty");
        Assert.IsTrue(rows.All(r => double.Parse(r[8], System.Globalization.CultureInfo.InvariantCulture) >= 0));
    }

    [TestMethod]
    public void TheCommandWritesItAndTheInferenceReadsItsKinds()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = Run("data", "synth", "--kind", "categorical", "--rows", "3000", "--seed", "5", "--out", dir.File("sales.csv"));
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(CategoricalSales.ToCsv(3000, 5), File.ReadAllText(dir.File("sales.csv")));
        var plan = ColumnInference.Infer(DelimitedFile.Read(dir.File("sales.csv")), CategoricalSales.LabelColumnName);
        Assert.AreEqual(ColumnKind.Categorical, plan.Columns.Single(c => c.Name == "store").Kind);
        Assert.AreEqual(ColumnKind.Boolean, plan.Columns.Single(c => c.Name == "promo").Kind);
        Assert.AreEqual(ColumnKind.Numeric, plan.Columns.Single(c => c.Name == "discount_pct").Kind);
        Assert.IsTrue(plan.Columns.Single(c => c.Name == "discount_pct").MissingCount > 0);
    }
}
