using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Reports;

namespace MlNetGd.Tests.Comparison;

/// <summary>What the comparison does besides fitting: the untimed work beside ML.NET's fits, the time of failed fits, and refusing Poisson
/// regression's negative labels before fitting.</summary>
[TestClass]
public sealed class ComparisonWorkTests
{
    private static ComparisonOptions Options(bool ahead, params ComparisonTrainer[] trainers) => new()
    {
        LabelColumnName = "Label",
        Plan = EvaluationPlan.CrossValidation(3),
        Seed = 4,
        TimingRepeats = 2,
        Trainers = trainers,
        PrepareAhead = ahead,
        LongFitSeconds = 0,   // beside every fit, to exercise the lane on small data
    };

    [TestMethod]
    public void WorkBesideTheFitsGivesTheSameResultsAsWorkInTurn()
    {
        // GradientDescent between two ML.NET trainers: the lane waits before its fits and takes its cost-curve fit afterwards.
        var trainers = new[] { ComparisonTrainer.Sdca, ComparisonTrainer.GradientDescent, ComparisonTrainer.FastTree };
        var statusAhead = new List<string>();
        var ahead = Options(true, trainers);
        ahead.Status = statusAhead.Add;
        var beside = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 600), ahead);
        var inTurn = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 600), Options(false, trainers));

        Assert.AreEqual(inTurn.Optimum.Rmse, beside.Optimum.Rmse);
        CollectionAssert.AreEqual(inTurn.Optimum.TrainingMse.ToArray(), beside.Optimum.TrainingMse.ToArray());
        for (int t = 0; t < trainers.Length; t++)
        {
            Assert.IsNull(beside.Trainers[t].Error, beside.Trainers[t].Error);
            CollectionAssert.AreEqual(inTurn.Trainers[t].Predicted.ToArray(), beside.Trainers[t].Predicted.ToArray(), trainers[t].ToString());
            Assert.AreEqual(3 * 2, beside.Trainers[t].FitCount);
        }
        var curves = beside.Trainers[1].CostCurves;
        Assert.AreEqual(3, curves.Count);
        for (int f = 0; f < 3; f++)
        {
            Assert.AreEqual(f + 1, curves[f].Fold);
            CollectionAssert.AreEqual(inTurn.Trainers[1].CostCurves[f].ValidationCost.ToArray(), curves[f].ValidationCost.ToArray());
            Assert.AreEqual(inTurn.Trainers[1].CostCurves[f].OptimumValidationMse, curves[f].OptimumValidationMse);
        }
        // The status lines come in fold order whichever thread did the work.
        var folds = statusAhead.Where(s => s.Contains("featurized and cached", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(3, folds.Count);
        for (int f = 0; f < 3; f++)
            StringAssert.StartsWith(folds[f], $"fold {f + 1}/3: featurized and cached in ");
        StringAssert.Contains(folds[1], "on a second thread, while fold 1's ML.NET trainers fitted");
    }

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
        var options = Options(true, ComparisonTrainer.OnlineGradientDescent, ComparisonTrainer.Sdca);
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
        var negative = TrainerComparison.Run(ComparisonData.Linear(ml, 300), Options(true, ComparisonTrainer.LbfgsPoissonRegression));
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
        var fitted = TrainerComparison.Run(shifted, Options(true, ComparisonTrainer.LbfgsPoissonRegression)).Trainers.Single();
        Assert.IsNull(fitted.Error, fitted.Error);
        Assert.AreEqual(3 * 2, fitted.FitCount);
    }

    [TestMethod]
    public void TheLaneRunsItsWorkInOrderAndRethrowsItsFailureAsThrown()
    {
        var order = new List<int>();
        using (var lane = new WorkLane(enabled: true))
        {
            lane.Add(() => order.Add(1));
            lane.Add(() => order.Add(2));
            lane.Start();
            lane.Add(() => order.Add(3));
            lane.Finish();
        }
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, order);

        using var failing = new WorkLane(enabled: true);
        failing.Add(() => throw new InvalidDataException("bad fold"));
        failing.Start();
        Assert.AreEqual("bad fold", Assert.ThrowsExactly<InvalidDataException>(failing.Wait).Message);

        int thread = -1;
        using var off = new WorkLane(enabled: false);
        off.Add(() => thread = Environment.CurrentManagedThreadId);
        off.Start();
        Assert.AreEqual(-1, thread, "an idle lane that is off starts nothing");
        off.Finish();
        Assert.AreEqual(Environment.CurrentManagedThreadId, thread);
    }
}
