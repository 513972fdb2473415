using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Reports;

namespace MlNetGd.Tests.Comparison;

/// <summary>Issue 14: the verdict says what the figures support and nothing more.</summary>
[TestClass]
public sealed class VerdictTests
{
    private static ComparisonOptions Options(params ComparisonTrainer[] trainers) => new()
    {
        LabelColumnName = "Label",
        Plan = EvaluationPlan.CrossValidation(2),
        Seed = 1,
        TimingRepeats = 1,
        Trainers = trainers,
    };

    private static string Markdown(ComparisonResult result)
    {
        using var dir = new TempDirectory();
        ReportWriter.Write(result, dir.File("r"));
        return File.ReadAllText(Path.Combine(dir.File("r"), "report.md"));
    }

    /// <summary>The linear data of <see cref="ComparisonData.Linear"/> with every label replaced by <paramref name="label"/>.</summary>
    private static IDataView ConstantLabel(MLContext ml, float label) =>
        ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<ComparisonData.Row>(ComparisonData.Linear(ml, 400), reuseRowObject: false)
            .Select(r => new ComparisonData.Row { Label = label, Raw = r.Raw }).ToArray());

    [TestMethod]
    [DataRow(5f)]
    [DataRow(0f)]
    [DataRow(-1234.5f)]
    public void AConstantLabelIsSaidToHaveNoVarianceInsteadOfAHugeGap(float label)
    {
        var result = TrainerComparison.Run(ConstantLabel(new MLContext(1), label),
            Options(ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca));

        Assert.IsTrue(result.LabelIsConstant);
        Assert.IsTrue(result.Trainers.All(t => double.IsNaN(t.GapToOptimum)), string.Join("; ", result.Trainers.Select(t => t.GapToOptimum)));
        string markdown = Markdown(result);
        StringAssert.Contains(markdown, "the data has no variance to explain");
        Assert.IsFalse(markdown.Contains("More epochs", StringComparison.Ordinal), markdown);
        Assert.IsFalse(markdown.Contains("from the optimum", StringComparison.Ordinal), markdown);
    }

    [TestMethod]
    public void ANoiselessLineGivesAGapRelativeToTheLabelScaleNotToRounding()
    {
        // y = 3 + 2·x exactly: the optimum's RMSE is float rounding, so a ratio to it alone would be rounding over rounding.
        var ml = new MLContext(1);
        var rows = ml.Data.CreateEnumerable<ComparisonData.Row>(ComparisonData.Linear(ml, 400), reuseRowObject: false)
            .Select(r => new ComparisonData.Row { Label = 3 + 2 * r.Raw[0], Raw = r.Raw }).ToArray();
        var result = TrainerComparison.Run(ml.Data.LoadFromEnumerable(rows), Options(ComparisonTrainer.GradientDescent));

        Assert.IsFalse(result.LabelIsConstant);
        var gd = result.Trainers.Single();
        Assert.IsTrue(result.Optimum.Rmse.Mean < ComparisonResult.GapFloor * result.LabelStandardDeviation, $"optimum {result.Optimum.Rmse.Mean}");
        Assert.AreEqual((gd.Rmse.Mean - result.Optimum.Rmse.Mean) / (ComparisonResult.GapFloor * result.LabelStandardDeviation), gd.GapToOptimum, 1e-12);
        Assert.IsTrue(Math.Abs(gd.GapToOptimum) < 1, $"gap {gd.GapToOptimum}: GD's RMSE {gd.Rmse.Mean} is well under 0.1% of the label's sd {result.LabelStandardDeviation}");
    }
}
