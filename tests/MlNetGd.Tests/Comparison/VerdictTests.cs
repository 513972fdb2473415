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

    [TestMethod]
    [DataRow(5f)]
    [DataRow(0f)]
    [DataRow(-1234.5f)]
    public void AConstantLabelIsSaidToHaveNoVarianceInsteadOfAHugeGap(float label)
    {
        var result = TrainerComparison.Run(ComparisonData.ConstantLabel(new MLContext(1), label),
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

    private static TrainerResult Trainer(string name, int threads, double[] fitSeconds, double[] rowsPerSecond) => new()
    {
        Name = name,
        DisplayName = name.ToUpperInvariant(),
        IsLinear = true,
        Rmse = new(1, 0.1),
        Mae = new(1, 0.1),
        RSquared = new(0.9, 0.01),
        GapToOptimum = 0,
        NumberOfThreads = threads,
        FitSeconds = fitSeconds.Order().ElementAt(fitSeconds.Length / 2),
        ScoringRowsPerSecond = rowsPerSecond.Order().ElementAt(rowsPerSecond.Length / 2),
        Folds = fitSeconds.Zip(rowsPerSecond, (f, s) => new FoldMetrics { FitSeconds = f, ScoringRowsPerSecond = s, ScoringRows = 100_000 }).ToList(),
    };

    private static string Verdict(params TrainerResult[] trainers)
    {
        var result = new ComparisonResult
        {
            NumberOfFolds = 3,
            LabelMean = 10,
            LabelStandardDeviation = 3,
            Optimum = new OptimumResult { Rmse = new(1, 0.1), Mae = new(1, 0.1), RSquared = new(0.9, 0.01) },
            Trainers = trainers,
        };
        return ReportRenderer.Markdown(ReportContent.Build(result, []));
    }

    [TestMethod]
    public void ScoringThroughputsThatOverlapAcrossFoldsCrownNoWinner()
    {
        // The figures: the same linear model type "scored" 504,724 and 36,529 rows/s on 200 rows; here the folds overlap.
        string markdown = Verdict(
            Trainer("gd", 2, [0.002, 0.003, 0.002], [504_724, 40_000, 300_000]),
            Trainer("sdca", 1, [0.040, 0.050, 0.045], [36_529, 420_000, 200_000]));
        StringAssert.Contains(markdown, "Scoring throughput: no clear winner between");
        Assert.IsFalse(markdown.Contains("Fastest to score", StringComparison.Ordinal), markdown);
    }

    [TestMethod]
    public void ScoringThroughputsApartInEveryFoldNameTheFastest()
    {
        string markdown = Verdict(
            Trainer("gd", 2, [0.002, 0.003, 0.002], [5_000_000, 6_000_000, 5_500_000]),
            Trainer("fasttree", 1, [0.200, 0.250, 0.220], [250_000, 300_000, 280_000]));
        StringAssert.Contains(markdown, "Fastest to score: GD (5,500,000 rows/s), ahead of every other trainer in every fold.");
    }

    [TestMethod]
    public void TheSpeedTableAndTheFitVerdictNameEachTrainersThreads()
    {
        string markdown = Verdict(
            Trainer("gd", 2, [0.002, 0.003, 0.002], [5_000_000, 6_000_000, 5_500_000]),
            Trainer("sdca", 1, [0.040, 0.050, 0.045], [5_000_000, 6_000_000, 5_500_000]));
        StringAssert.Contains(markdown, "| GD | up to 2 threads | 2.0 ms |");
        StringAssert.Contains(markdown, "| SDCA | 1 thread | 45.0 ms |");
        StringAssert.Contains(markdown, "Fastest to fit: GD (2.0 ms, up to 2 threads); slowest: SDCA (45.0 ms, 1 thread, 22.5x longer).");
    }

    [TestMethod]
    public void ScoringIsTimedOnAtLeastAHundredThousandRowsAndGradientDescentReportsItsThreads()
    {
        var result = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 400), Options(ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca));
        foreach (var fold in result.Trainers.SelectMany(t => t.Folds))
        {
            Assert.IsTrue(fold.ScoringRows >= 100_000, $"{fold.ScoringRows} rows");
            Assert.AreEqual(0, fold.ScoringRows % fold.TestRows, "whole copies of the test rows");
        }
        Assert.AreEqual(Environment.ProcessorCount, result.Trainers[0].NumberOfThreads, "GradientDescent's default: all cores");
        Assert.AreEqual(1, result.Trainers[1].NumberOfThreads, "the comparison runs SDCA on one thread");
    }
}
