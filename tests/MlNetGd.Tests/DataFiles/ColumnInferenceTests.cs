using Microsoft.ML;
using Microsoft.ML.Data;
using System.Globalization;
using System.Text;
using MlNetGd.Data;
using MlNetGd.Tests.Comparison;

namespace MlNetGd.Tests.DataFiles;

/// <summary>Every inference rule and override of <see cref="ColumnInference"/>, on small files written by the tests.</summary>
[TestClass]
public sealed class ColumnInferenceTests
{
    /// <summary>An 80-row file: the label y, and one column per rule.</summary>
    private static string RulesCsv()
    {
        var text = new StringBuilder("y,num,flag,color,comment,day,stamp,constant,empty,id,row_no,code\n");
        string[] colors = ["red", "green", "blue"];
        for (int i = 0; i < 80; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{i * 1.5},{(i % 7) * 0.25},{(i % 2 == 0 ? "true" : "False")},{colors[i % 3]},the quick fox number {i} jumps,2024-01-{i % 5 + 1:D2},2024-03-{i / 24 + 1:D2} {i % 24:D2}:00:00 ,7,,{1000 + 3 * i},{i + 1},X{i}Z\n");
        }
        return text.ToString();
    }

    private static FeaturizationPlan Infer(TempDirectory dir, string csv, ColumnOverrides? overrides = null, string label = "y")
    {
        File.WriteAllText(dir.File("data.csv"), csv);
        return ColumnInference.Infer(DelimitedFile.Read(dir.File("data.csv")), label, overrides);
    }

    private static ColumnPlan Column(FeaturizationPlan plan, string name) => plan.Columns.Single(c => c.Name == name);

    [TestMethod]
    public void EachRuleGivesItsKind()
    {
        using var dir = new TempDirectory();
        var plan = Infer(dir, RulesCsv());
        Assert.AreEqual(ColumnKind.Numeric, Column(plan, "num").Kind);
        Assert.AreEqual(ColumnKind.Boolean, Column(plan, "flag").Kind);
        Assert.AreEqual(ColumnKind.Categorical, Column(plan, "color").Kind);
        Assert.AreEqual(ColumnKind.Text, Column(plan, "comment").Kind);
        Assert.AreEqual(ColumnKind.DateTime, Column(plan, "day").Kind);
        Assert.IsTrue(Column(plan, "day").IsUsed, "a date with few distinct values is one-hot encoded");
        Assert.AreEqual(ColumnKind.DateTime, Column(plan, "stamp").Kind);
        Assert.IsFalse(Column(plan, "stamp").IsUsed, "a date with many distinct values is ignored with a note");
        StringAssert.Contains(Column(plan, "stamp").Treatment, "ignored");
        Assert.AreEqual(ColumnKind.Ignored, Column(plan, "constant").Kind);
        StringAssert.Contains(Column(plan, "constant").Reason, "constant");
        Assert.AreEqual(ColumnKind.Ignored, Column(plan, "empty").Kind);
        StringAssert.Contains(Column(plan, "empty").Reason, "empty");
        Assert.AreEqual(ColumnKind.Ignored, Column(plan, "id").Kind, "whole numbers, all different, named like an id");
        Assert.AreEqual(ColumnKind.Numeric, Column(plan, "row_no").Kind, "whole numbers counting up one by one may be a real feature: only the name marks an id");
        Assert.AreEqual(ColumnKind.Ignored, Column(plan, "code").Kind, "every string different");
        Assert.AreEqual(0, plan.DroppedRowCount);
        Assert.AreEqual(80, plan.RowCount);
    }

    [TestMethod]
    public void WholeNumbersThatRepeatOrAreFewStayNumeric()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("y,rooms,year_built\n");
        for (int i = 0; i < 30; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i},{i % 4 + 1},{1950 + 2 * i}\n");
        var plan = Infer(dir, text.ToString());
        Assert.AreEqual(ColumnKind.Numeric, Column(plan, "rooms").Kind);
        Assert.AreEqual(ColumnKind.Numeric, Column(plan, "year_built").Kind, "all different but stepping by 2 and not named like an id");
    }

    [TestMethod]
    public void ManyLevelsAreHashed()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("y,city\n");
        for (int i = 0; i < 2 * (FeaturizationPlan.MaxOneHotLevels + 10); i++)
            text.Append(CultureInfo.InvariantCulture, $"{i},c{i % (FeaturizationPlan.MaxOneHotLevels + 10)}\n");
        var city = Column(Infer(dir, text.ToString()), "city");
        Assert.AreEqual(ColumnKind.Categorical, city.Kind);
        Assert.IsTrue(city.IsHashed);
        StringAssert.Contains(city.Treatment, "hashed");
    }

    [TestMethod]
    public void OverridesWin()
    {
        using var dir = new TempDirectory();
        var plan = Infer(dir, RulesCsv(), new ColumnOverrides { Categorical = ["num"], Text = ["color"], Ignore = ["comment"], Numeric = ["id"] });
        Assert.AreEqual(ColumnKind.Categorical, Column(plan, "num").Kind);
        Assert.AreEqual(ColumnKind.Text, Column(plan, "color").Kind);
        Assert.AreEqual(ColumnKind.Ignored, Column(plan, "comment").Kind);
        Assert.AreEqual(ColumnKind.Numeric, Column(plan, "id").Kind);
        Assert.AreEqual("given as categorical", Column(plan, "num").Reason);
    }

    [TestMethod]
    public void NumericOverrideOnTextNamesTheFirstBadCell()
    {
        using var dir = new TempDirectory();
        var e = Assert.ThrowsExactly<DataFileException>(() => Infer(dir, RulesCsv(), new ColumnOverrides { Numeric = ["color"] }));
        StringAssert.Contains(e.Message, "line 2, column 'color': 'red' is not a number");
        Assert.AreEqual(2, e.LineNumber);
    }

    [TestMethod]
    public void BadOverridesAreClearErrors()
    {
        using var dir = new TempDirectory();
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => Infer(dir, RulesCsv(), new ColumnOverrides { Ignore = ["colour"] }));
        StringAssert.Contains(unknown.Message, "'colour' is not in");
        StringAssert.Contains(unknown.Message, "'color'");
        var twice = Assert.ThrowsExactly<ArgumentException>(() => Infer(dir, RulesCsv(), new ColumnOverrides { Ignore = ["num"], Text = ["num"] }));
        StringAssert.Contains(twice.Message, "'num' is given as both text and ignore");
        var label = Assert.ThrowsExactly<ArgumentException>(() => Infer(dir, RulesCsv(), new ColumnOverrides { Categorical = ["y"] }));
        StringAssert.Contains(label.Message, "'y' is the label");
    }

    [TestMethod]
    public void RowsWithoutALabelAreDroppedAndCounted()
    {
        using var dir = new TempDirectory();
        var plan = Infer(dir, "y,x\n1,2\n,3\n3,4\nNA,5\n5,6\n");
        Assert.AreEqual(5, plan.RowCount);
        Assert.AreEqual(2, plan.DroppedRowCount);
        var data = plan.Load(new Microsoft.ML.MLContext(0), DelimitedFile.Read(dir.File("data.csv")));
        CollectionAssert.AreEqual(new float[] { 1, 3, 5 }, data.GetColumn<float>("y").ToArray());
        StringAssert.Contains(plan.ToString(), "2 of 5 rows have no label and are dropped");
    }

    [TestMethod]
    public void QuotesCrlfBomAndColumnNamesWithSpacesAndParenthesesWork()
    {
        using var dir = new TempDirectory();
        string csv = "\uFEFF\"Body Mass (g)\",\"Place, town\",Size (cm)\r\n" +
            "3000,\"Oslo, NO\",10\r\n\r\n// a comment line the loader skips\r\n4000,\"Bergen, NO\",12\r\n5000,\"Oslo, NO\",\r\n6000,\"Bergen, NO\",15\r\n";
        File.WriteAllText(dir.File("data.csv"), csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var file = DelimitedFile.Read(dir.File("data.csv"));
        CollectionAssert.AreEqual(new[] { "Body Mass (g)", "Place, town", "Size (cm)" }, file.ColumnNames.ToArray());
        Assert.AreEqual(4, file.RowCount);
        var plan = ColumnInference.Infer(file, "Body Mass (g)");
        Assert.AreEqual(ColumnKind.Categorical, Column(plan, "Place, town").Kind);
        Assert.AreEqual(2, Column(plan, "Place, town").DistinctCount, "the quoted comma is part of the value");
        Assert.AreEqual(ColumnKind.Numeric, Column(plan, "Size (cm)").Kind);
        Assert.AreEqual(1, Column(plan, "Size (cm)").MissingCount);
        Assert.AreEqual(5, file.LineOf(1), "row 1 is on line 5: the blank and comment lines count as the file numbers them");
    }

    [TestMethod]
    public void EveryKindFeaturizesIntoOneFiniteKnownSizeVector()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), RulesCsv());
        var file = DelimitedFile.Read(dir.File("data.csv"));
        var plan = ColumnInference.Infer(file, "y", new ColumnOverrides { Categorical = ["code"] });
        var ml = new MLContext(0);
        var data = plan.Load(ml, file);
        var featurized = plan.CreatePipeline(ml).Fit(data).Transform(data);
        var type = (VectorDataViewType)featurized.Schema["Features"].Type;
        Assert.IsTrue(type.IsKnownSize);
        // num 1 + flag 2 + color 3 + comment words + day 5 + code 80 + row_no 1.
        Assert.IsTrue(type.Size > 1 + 2 + 3 + 5 + 80 + 1, $"{type.Size} features");
        var rows = featurized.GetColumn<VBuffer<float>>("Features").ToArray();
        Assert.AreEqual(80, rows.Length);
        Assert.IsTrue(rows.All(r => r.DenseValues().All(float.IsFinite)));
    }

    [TestMethod]
    public void AHashedColumnFeaturizesIntoItsSlots()
    {
        using var dir = new TempDirectory();
        var text = new StringBuilder("y,city\n");
        int levels = FeaturizationPlan.MaxOneHotLevels + 10;
        for (int i = 0; i < 2 * levels; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i % 17},c{i % levels}\n");
        File.WriteAllText(dir.File("data.csv"), text.ToString());
        var file = DelimitedFile.Read(dir.File("data.csv"));
        var plan = ColumnInference.Infer(file, "y");
        var ml = new MLContext(0);
        var featurized = plan.CreatePipeline(ml).Fit(plan.Load(ml, file)).Transform(plan.Load(ml, file));
        Assert.AreEqual(1 << FeaturizationPlan.HashBits, ((VectorDataViewType)featurized.Schema["Features"].Type).Size);
    }
}
