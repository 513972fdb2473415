using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Trainers;

namespace MlNetGd.Tests.Comparison;

[TestClass]
public sealed class TrainerComparisonTests
{
    private static ComparisonOptions Options(int seed = 1, params ComparisonTrainer[] trainers) => new()
    {
        LabelColumnName = "Label",
        Plan = EvaluationPlan.CrossValidation(3),
        Seed = seed,
        TimingRepeats = 1,
        Trainers = trainers.Length > 0 ? trainers : [ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca, ComparisonTrainer.OnlineGradientDescent, ComparisonTrainer.FastTree],
    };

    [TestMethod]
    public void GradientDescentIsWithinOnePercentOfTheOptimumAndTrainersRankSensibly()
    {
        var result = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1)), Options());
        var gd = result.Trainers.Single(t => t.Name == "gd");
        var ogd = result.Trainers.Single(t => t.Name == "ogd");
        var trees = result.Trainers.Single(t => t.Name == "fasttree");

        Assert.IsTrue(result.Optimum.IsAvailable, result.Optimum.Note);
        Assert.AreEqual(3, result.NumberOfFolds);
        Assert.AreEqual(1200, result.RowCount);
        Assert.IsTrue(result.Trainers.All(t => t.Error is null), string.Join("; ", result.Trainers.Select(t => t.Error)));
        Assert.IsTrue(gd.Rmse.Mean <= result.Optimum.Rmse.Mean * 1.01, $"gd {gd.Rmse.Mean} vs optimum {result.Optimum.Rmse.Mean}");
        Assert.IsTrue(Math.Abs(gd.GapToOptimum) <= 0.01, $"gap {gd.GapToOptimum}");
        // On linear data the exact linear fit is the best; one pass of OGD and trees are worse.
        Assert.IsTrue(gd.Rmse.Mean < ogd.Rmse.Mean, $"gd {gd.Rmse.Mean} vs ogd {ogd.Rmse.Mean}");
        Assert.IsTrue(trees.GapToOptimum > 0.01, $"fasttree gap {trees.GapToOptimum}");
        Assert.IsTrue(gd.RSquared.Mean > 0.95, $"R² {gd.RSquared.Mean}");
        Assert.AreEqual(3, gd.Folds.Count);
        Assert.AreEqual(1200, gd.Actual.Count);
        Assert.IsTrue(gd.Folds.All(f => f.FitSeconds > 0 && f.ScoringRowsPerSecond > 0));
    }

    [TestMethod]
    public void CostCurvesComeFromTheSameWeightsAsTheTrainer()
    {
        var result = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 600), Options(2, ComparisonTrainer.GradientDescent));
        var gd = result.Trainers.Single();
        Assert.AreEqual(3, gd.CostCurves.Count);
        foreach (var (curve, fold) in gd.CostCurves.Zip(gd.Folds))
        {
            Assert.AreEqual(curve.TrainingCost.Count, curve.ValidationCost.Count);
            Assert.IsTrue(curve.TrainingCost.Count is > 1 and <= 100);
            Assert.IsTrue(curve.ValidationCost[^1] <= curve.OptimumValidationMse * 1.05, $"{curve.ValidationCost[^1]} vs optimum {curve.OptimumValidationMse}");
            // The refit's last validation cost is the MSE of the timed ML.NET model on the same test rows.
            Assert.AreEqual(fold.Rmse * fold.Rmse, curve.ValidationCost[^1], 1e-4 * curve.ValidationCost[^1], $"fold {fold.Fold}");
            Assert.IsTrue(curve.OptimumTrainingMse <= curve.TrainingCost[^1] * 1.01);
            Assert.IsTrue(curve.LearningRateWasAutomatic);
        }
    }

    [TestMethod]
    public void TheSameSeedReproducesTheSameNumbers()
    {
        var trainers = new[] { ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca, ComparisonTrainer.FastTree };
        var first = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 500), Options(7, trainers));
        var second = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 500), Options(7, trainers));
        var other = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 500), Options(8, trainers));

        Assert.AreEqual(first.Optimum.Rmse, second.Optimum.Rmse);
        for (int t = 0; t < trainers.Length; t++)
        {
            CollectionAssert.AreEqual(first.Trainers[t].Folds.Select(f => (f.Rmse, f.Mae, f.RSquared)).ToArray(),
                second.Trainers[t].Folds.Select(f => (f.Rmse, f.Mae, f.RSquared)).ToArray(), trainers[t].ToString());
            CollectionAssert.AreEqual(first.Trainers[t].Predicted.ToArray(), second.Trainers[t].Predicted.ToArray());
        }
        CollectionAssert.AreEqual(first.Trainers[0].CostCurves[0].TrainingCost.ToArray(), second.Trainers[0].CostCurves[0].TrainingCost.ToArray());
        Assert.AreNotEqual(first.Trainers[0].Rmse.Mean, other.Trainers[0].Rmse.Mean, "another seed gives another split");
    }

    [TestMethod]
    public void ATestSplitHasOneFoldAndNoSpread()
    {
        var options = Options(3, ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca);
        options.Plan = EvaluationPlan.TestSplit(0.25);
        var result = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 800), options);
        Assert.AreEqual(1, result.NumberOfFolds);
        Assert.AreEqual(800, result.RowCount);
        Assert.IsTrue(result.Trainers.All(t => t.Rmse.StandardDeviation == 0 && t.Folds.Single().TestRows is > 150 and < 250));
    }

    [TestMethod]
    public void ADependentColumnIsLeftOutOfTheOptimumWithoutChangingIt()
    {
        var ml = new MLContext(1);
        // Raw[0] duplicated as a second column: the normal equations are singular, but the least MSE is the same as without the copy.
        var plain = ComparisonData.Linear(ml, 400);
        var data = ml.Transforms.CopyColumns("Copy", "Raw").Fit(plain).Transform(plain);
        var withCopy = TrainerComparison.Run(data, Options(1, ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca));
        var without = TrainerComparison.Run(plain, Options(1, ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca));
        Assert.IsTrue(withCopy.Optimum.IsAvailable, withCopy.Optimum.Note);
        Assert.AreEqual(without.Optimum.Rmse.Mean, withCopy.Optimum.Rmse.Mean, 1e-6 * without.Optimum.Rmse.Mean);
        Assert.IsFalse(double.IsNaN(withCopy.Trainers[0].GapToOptimum));
        Assert.IsTrue(withCopy.Trainers.All(t => t.Error is null && t.RSquared.Mean > 0.95), string.Join("; ", withCopy.Trainers.Select(t => $"{t.Name}: {t.Error} {t.RSquared.Mean}")));
    }

    [TestMethod]
    public void PoissonOnNegativeLabelsIsReportedAsAFailureNotACrash()
    {
        var result = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 300),
            Options(1, ComparisonTrainer.LbfgsPoissonRegression, ComparisonTrainer.GradientDescent));
        var gd = result.Trainers.Single(t => t.Name == "gd");
        Assert.IsNull(gd.Error);
        var poisson = result.Trainers.Single(t => t.Name == "poisson");
        Assert.IsNotNull(poisson.Error, "ML.NET's Poisson regression rejects negative labels");
        StringAssert.Contains(poisson.Error, "on fold 1");
        Assert.IsTrue(double.IsNaN(poisson.Rmse.Mean) && poisson.Folds.Count == 0 && poisson.Predicted.Count == 0);
    }

    [TestMethod]
    public void AMissingLabelColumnListsTheColumns()
    {
        var options = Options(1, ComparisonTrainer.GradientDescent);
        options.LabelColumnName = "Price";
        var e = Assert.ThrowsExactly<ArgumentException>(() => TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 50), options));
        StringAssert.Contains(e.Message, "'Price' was not found");
        StringAssert.Contains(e.Message, "Label, Raw");
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(1.0)]
    [DataRow(double.NaN)]
    public void TestFractionOutsideZeroOneIsRejected(double fraction) =>
        Assert.AreEqual("testFraction", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EvaluationPlan.TestSplit(fraction)).ParamName);

    [TestMethod]
    public void TrainerNamesParseAndRejectUnknownOnes()
    {
        CollectionAssert.AreEqual(new[] { ComparisonTrainer.FastTree, ComparisonTrainer.GradientDescent }, TrainerNames.Parse("fasttree, GD").ToArray());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TrainerNames.Parse("gd,xgb")).Message, "allowed: gd, sdca, ogd, poisson, fasttree");
        Assert.ThrowsExactly<ArgumentException>(() => TrainerNames.Parse("gd,gd"));
    }

    [TestMethod]
    public void GradientDescentOptionsAreCheckedUpFront()
    {
        var options = Options(1, ComparisonTrainer.GradientDescent);
        options.GradientDescent = new GradientDescentRegressionTrainer.Options { BatchSize = 0 };
        Assert.AreEqual("BatchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => options.Validate()).ParamName);
    }
}
