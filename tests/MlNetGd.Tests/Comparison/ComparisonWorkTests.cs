using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Reports;

namespace MlNetGd.Tests.Comparison;

/// <summary>What the comparison does besides fitting: the time of failed fits, and refusing Poisson regression's negative labels before
/// fitting.</summary>
[TestClass]
public sealed class ComparisonWorkTests
{
    private static ComparisonOptions Options(params ComparisonTrainer[] trainers) => new()
    {
        LabelColumnName = "Label",
        Plan = EvaluationPlan.CrossValidation(3),
        Seed = 4,
        TimingRepeats = 2,
        Trainers = trainers,
    };

    [TestMethod]
    public void AFailedFitIsTimedAndCounted()
    {
        // Unnormalized features of a million: ML.NET's OnlineGradientDescent (rate 0.1) overflows on its first fit.
        var ml = new MLContext(1);
        var raw = ComparisonData.Linear(ml, 300);
        var huge = ml.Transforms.CustomMapping<ComparisonData.Row, ComparisonData.Row>((from, to) =>
        {
            to.Label = from.Label;
            to.Raw = from.Raw.Select(x => x * 1e6f).ToArray();
        }, contractName: null).Fit(raw).Transform(raw);
        var options = Options(ComparisonTrainer.OnlineGradientDescent, ComparisonTrainer.Sdca);
        options.FeaturePipeline = ml.Transforms.Concatenate(options.FeatureColumnName, "Raw");
        var result = TrainerComparison.Run(huge, options);

        var ogd = result.Trainers[0];
        Assert.IsNotNull(ogd.Error, "OnlineGradientDescent was expected to overflow");
        StringAssert.Contains(ogd.Error, "on fold 1");
        Assert.AreEqual(1, ogd.FitCount, "the failed fit is counted");
        Assert.IsTrue(ogd.TotalFitSeconds > 0, "and timed");
        Assert.IsTrue(double.IsNaN(ogd.FitSeconds) && ogd.Folds.Count == 0);
        StringAssert.Contains(ReportFormat.Failure(ogd), "Its 1 fit, the failed one included, took ");
        var sdca = result.Trainers[1];
        Assert.AreEqual(3 * 2, sdca.FitCount);
        Assert.AreEqual(sdca.Folds.Sum(f => f.FitSecondsRepeats.Sum()), sdca.TotalFitSeconds, 1e-9);
    }

    [TestMethod]
    public void PoissonIsRefusedBeforeFittingNegativeLabelsAndFitsOthers()
    {
        var ml = new MLContext(1);
        var negative = TrainerComparison.Run(ComparisonData.Linear(ml, 300), Options(ComparisonTrainer.LbfgsPoissonRegression));
        var poisson = negative.Trainers.Single();
        StringAssert.Contains(poisson.Error, "on fold 1");
        StringAssert.Contains(poisson.Error, "needs labels >= 0");
        StringAssert.Contains(poisson.Error, "label column 'Label' are negative (the smallest is ");
        Assert.AreEqual(0, poisson.FitCount);
        Assert.AreEqual(0, poisson.TotalFitSeconds);
        StringAssert.EndsWith(ReportFormat.Failure(poisson), "). No fit was run.");

        // The same rows with the label scaled into [0, 1]: nothing is refused.
        var raw = ComparisonData.Linear(ml, 300);
        var shifted = ml.Transforms.NormalizeMinMax("Label", fixZero: false).Fit(raw).Transform(raw);
        var fitted = TrainerComparison.Run(shifted, Options(ComparisonTrainer.LbfgsPoissonRegression)).Trainers.Single();
        Assert.IsNull(fitted.Error, fitted.Error);
        Assert.AreEqual(3 * 2, fitted.FitCount);
    }
}
