using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>The acceptance of issue 5 on generated data: defaults on raw features, faster optimizers, early stopping, divergence.</summary>
[TestClass]
public sealed class NoGuessingAcceptanceTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void DefaultsReachOnePercentOfTheOptimumOnRawFeaturesWhoseScalesDifferByTenThousand()
    {
        var (train, test) = Split(SyntheticRegression.Generate(12_000, 6, seed: 11, featureScales: [0.01f, 0.1f, 1f, 10f, 100f, 0.05f]), 10_000);
        double optimum = OptimumTestRmse(train, test);
        var ml = new MLContext(seed: 1);
        var trainer = ml.Regression.Trainers.GradientDescent(); // no normalizer anywhere
        var model = trainer.Fit(View(ml, train));
        double rmse = ml.Regression.Evaluate(model.Transform(View(ml, test))).RootMeanSquaredError;

        TestContext.WriteLine($"ours {rmse:G6}, optimum {optimum:G6}, {trainer.LastHistory}");
        Assert.IsTrue(rmse <= 1.01 * optimum, $"test RMSE {rmse} vs optimum {optimum}: {trainer.LastHistory}");
        Assert.IsTrue(trainer.LastHistory!.LearningRateWasAutomatic);
    }

    [TestMethod]
    [DataRow(100)]
    [DataRow(300)]
    [DataRow(1_000)]
    public void DefaultsReachOnePercentOfTheOptimumOnSmallRawData(int rows)
    {
        var scales = new float[8];
        for (int j = 0; j < 8; j++)
            scales[j] = (float)(1e-2 * Math.Pow(1e4, j / 7.0));
        var (train, test) = Split(SyntheticRegression.Generate(rows + 5_000, 8, seed: 4, featureScales: scales), rows);
        var model = new LinearModel(8);
        var history = new GradientDescentLoop(new GradientDescentSettings()).Run(train, model);
        double rmse = Math.Sqrt(MseLoss.Cost(model, test));
        double optimum = OptimumTestRmse(train, test);
        Assert.IsTrue(rmse <= 1.01 * optimum, $"test RMSE {rmse} vs optimum {optimum}: {history}");
    }

    [TestMethod]
    public void BatchesHaveEqualSizesSoNoSmallLastBatch()
    {
        // 5 rows, BatchSize 3: K = 2 blocks of rows [0, 2) and [2, 5), not 3 + 2.
        var data = DenseDataset.FromRows([[1f], [2f], [3f], [4f], [5f]], [1f, 3f, 2f, 5f, 4f]);
        var model = new LinearModel(1);
        new GradientDescentLoop(new GradientDescentSettings
        {
            LearningRate = 0.01f, BatchSize = 3, NumberOfEpochs = 1, Shuffle = false, Averaged = false, StandardizeFeatures = false,
        }).Run(data, model);

        float[] theta = [0f, 0f];
        var gradient = new float[2];
        MseLoss.Gradient(theta, data.Features.AsSpan(0, 2), data.Labels.AsSpan(0, 2), gradient);
        theta[0] -= 0.01f * gradient[0];
        theta[1] -= 0.01f * gradient[1];
        MseLoss.Gradient(theta, data.Features.AsSpan(2, 3), data.Labels.AsSpan(2, 3), gradient);
        theta[0] -= 0.01f * gradient[0];
        theta[1] -= 0.01f * gradient[1];
        CollectionAssert.AreEqual(theta, model.Parameters);
    }

    [TestMethod]
    public void MomentumAndAdamReachOnePercentInFewerEpochsThanSgdOnAnIllConditionedProblem()
    {
        var scales = new float[8];
        for (int j = 0; j < 8; j++)
            scales[j] = (float)(0.03 * Math.Pow(1 / 0.03, j / 7.0));
        var (train, test) = Split(SyntheticRegression.Generate(12_000, 8, seed: 2, featureScales: scales), 10_000);
        double optimum = OptimumTestRmse(train, test);

        int sgd = EpochsToOnePercent(train, test, optimum, OptimizerKind.Sgd, null);
        int momentum = EpochsToOnePercent(train, test, optimum, OptimizerKind.Momentum, null);
        int adam = EpochsToOnePercent(train, test, optimum, OptimizerKind.Adam, null);
        TestContext.WriteLine($"epochs to 1%: SGD {sgd}, momentum {momentum}, Adam {adam}");
        Assert.IsTrue(sgd > 0 && momentum > 0 && adam > 0, $"SGD {sgd}, momentum {momentum}, Adam {adam} (0 = not reached)");
        Assert.IsTrue(momentum < sgd, $"momentum {momentum} vs SGD {sgd}");
        Assert.IsTrue(adam < sgd, $"Adam {adam} vs SGD {sgd}");
    }

    [TestMethod]
    public void EarlyStoppingRestoresTheBestEpochsWeights()
    {
        // 80 rows, 60 noisy features, a full batch: gradient descent first fits the signal, then the noise (overfits).
        var data = SyntheticRegression.Generate(80, 60, seed: 13, noise: 3f).ToDenseDataset();
        var settings = new GradientDescentSettings
        {
            ValidationFraction = 0.25, EarlyStoppingPatience = 5, BatchSize = 80, NumberOfEpochs = 2000, Tolerance = 0, LearningRate = 0.05f,
        };
        var model = new LinearModel(60);
        var weightsPerEpoch = new List<float[]>();
        settings = settings with { EpochCompleted = _ => weightsPerEpoch.Add((float[])model.Parameters.Clone()) };
        var history = new GradientDescentLoop(settings).Run(data, model);

        int held = GradientDescentLoop.ValidationRowCount(80, 0.25);
        var validation = new DenseDataset(data.Features[((80 - held) * 60)..], data.Labels[(80 - held)..], 60);
        double best = history.Epochs.Min(e => e.ValidationCost);
        TestContext.WriteLine(history.ToString());
        Assert.AreEqual(StopReason.EarlyStopping, history.StopReason);
        Assert.IsNotNull(history.BestEpoch);
        Assert.AreEqual(history.BestEpoch + settings.EarlyStoppingPatience, history.EpochCount);
        Assert.AreEqual(best, history.Epochs[history.BestEpoch.Value - 1].ValidationCost);
        Assert.IsTrue(history.Epochs[^1].ValidationCost > best, "the validation cost rose after the best epoch");
        CollectionAssert.AreEqual(weightsPerEpoch[history.BestEpoch.Value - 1], model.Parameters, "the best epoch's weights are restored");
        Assert.AreEqual(best, MseLoss.Cost(model, validation));
    }

    [TestMethod]
    public void TrainerHoldsOutAValidationSetWithTheSeed()
    {
        var ml = new MLContext(seed: 1);
        var view = SyntheticRegression.Generate(2_000, 3, seed: 14).ToDataView(ml);
        var trainer = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { ValidationFraction = 0.2, Seed = 3 });
        var first = trainer.Fit(view).Model.Weights.ToArray();
        var second = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { ValidationFraction = 0.2, Seed = 3 }).Fit(view).Model.Weights.ToArray();

        Assert.IsTrue(trainer.LastHistory!.Epochs.All(e => double.IsFinite(e.ValidationCost)));
        Assert.IsNotNull(trainer.LastHistory.BestEpoch);
        CollectionAssert.AreEqual(first, second, "same seed, same model bit for bit");
    }

    [TestMethod]
    public void RecoverRollsBackHalvesTheRateAndFinishes()
    {
        var (train, test) = Split(SyntheticRegression.Generate(6_000, 4, seed: 15, featureScales: [1f, 3f, 0.5f, 2f]), 5_000);
        const float tooLarge = 40f; // about 100 times the stable rate
        var settings = new GradientDescentSettings { LearningRate = tooLarge, OnDivergence = DivergenceAction.Recover, NumberOfEpochs = 30 };
        var model = new LinearModel(4);
        var history = new GradientDescentLoop(settings).Run(train, model);

        TestContext.WriteLine(history.ToString());
        Assert.IsTrue(history.Recoveries >= 1);
        Assert.IsTrue(history.Epochs[0].Recoveries >= 1, "detected within the first epoch");
        // Each recovery halves the rate; where the cost then plateaus, the fit may anneal it by up to MaxAnnealings halvings more.
        double left = tooLarge / (1 << history.Recoveries) / history.Epochs[^1].LearningRate;
        Assert.IsTrue(Enumerable.Range(0, TrainingSession.MaxAnnealings + 1).Any(k => left == Math.Pow(1 / TrainingSession.AnnealingFactor, k)),
            $"each recovery halves the rate: {tooLarge} / 2^{history.Recoveries} / {history.Epochs[^1].LearningRate} = {left}");
        Assert.IsTrue(model.IsFinite);
        Assert.IsTrue(Math.Sqrt(MseLoss.Cost(model, test)) <= 1.05 * OptimumTestRmse(train, test));
    }

    [TestMethod]
    public void ThrowNamesTheRateTheEpochAndAStableRateAndRestoresTheModel()
    {
        var data = SyntheticRegression.Generate(5_000, 4, seed: 16).ToDenseDataset();
        var model = new LinearModel(4);
        var ex = Assert.ThrowsExactly<TrainingDivergedException>(() =>
            new GradientDescentLoop(new GradientDescentSettings { LearningRate = 50f }).Run(data, model));
        Assert.AreEqual(1, ex.Epoch);
        Assert.AreEqual(50f, ex.LearningRate);
        Assert.IsTrue(ex.SuggestedLearningRate < 1f, ex.Message);
        StringAssert.Contains(ex.Message, "LearningRate = 50");
        Assert.IsTrue(model.Parameters.All(p => p == 0), "the model is put back as it was");
    }

    [TestMethod]
    public void FreshAdamFitStartsItsBiasAtTheMeanLabelAndADivergedOneIsPutBackToZero()
    {
        // Labels far from 0 (intercept 1000): from bias 0 Adam would need about 1000/η steps just to move the bias.
        var generated = SyntheticRegression.Generate(2_000, 3, seed: 19);
        var labels = Array.ConvertAll(generated.Labels, y => y + 1000f);
        var data = new DenseDataset((float[])generated.Features.Clone(), labels, 3);
        var model = new LinearModel(3);
        var history = new GradientDescentLoop(new GradientDescentSettings { Optimizer = OptimizerKind.Adam, NumberOfEpochs = 30 }).Run(data, model);
        Assert.IsTrue(history.Epochs[0].TrainingCost < 1000, $"epoch 1 starts near the mean label: {history.Epochs[0].TrainingCost}");
        Assert.AreEqual(1000 + generated.TrueBias, model.Bias, 0.1);

        var diverging = new LinearModel(3);
        Assert.ThrowsExactly<TrainingDivergedException>(() =>
            new GradientDescentLoop(new GradientDescentSettings { Optimizer = OptimizerKind.Adam, LearningRate = 1e7f }).Run(data, diverging));
        Assert.IsTrue(diverging.Parameters.All(p => p == 0), "the model is put back as it was, bias included");
    }

    [TestMethod]
    public void AveragedSgdEndsEachEpochOnTheMeanOfItsIterates()
    {
        var data = SyntheticRegression.Generate(1_000, 3, seed: 17).ToDenseDataset();
        var settings = new GradientDescentSettings { StandardizeFeatures = false, LearningRate = 0.05f, BatchSize = 100, NumberOfEpochs = 1, Shuffle = false };
        var model = new LinearModel(3);
        new GradientDescentLoop(settings).Run(data, model);

        // Reference: plain SGD over the 10 blocks in order, averaging the 10 iterates.
        var theta = new float[4];
        var gradient = new float[4];
        var sum = new double[4];
        for (int k = 0; k < 10; k++)
        {
            MseLoss.Gradient(theta, data.Features.AsSpan(k * 300, 300), data.Labels.AsSpan(k * 100, 100), gradient);
            for (int j = 0; j < 4; j++)
            {
                theta[j] -= 0.05f * gradient[j];
                sum[j] += theta[j];
            }
        }
        for (int j = 0; j < 4; j++)
            Assert.AreEqual(sum[j] / 10, model.Parameters[j], 1e-5 * Math.Max(1, Math.Abs(sum[j] / 10)), $"parameter {j}");
    }

    [TestMethod]
    public void DefaultFitIsDeterministicBitForBitAndTrainBatchAllocatesNothing()
    {
        var data = SyntheticRegression.Generate(3_000, 5, seed: 18, featureScales: [0.01f, 1f, 100f, 10f, 0.1f]);
        var a = new LinearModel(5);
        var b = new LinearModel(5);
        new GradientDescentLoop(new GradientDescentSettings { Optimizer = OptimizerKind.Adam }).Run(data.ToDenseDataset(), a);
        new GradientDescentLoop(new GradientDescentSettings { Optimizer = OptimizerKind.Adam }).Run(data.ToDenseDataset(), b);
        CollectionAssert.AreEqual(a.Parameters, b.Parameters);

        var dense = data.ToDenseDataset();
        var settings = new GradientDescentSettings { L1Regularization = 0.01f, Optimizer = OptimizerKind.Nesterov };
        var standardization = FeatureStandardization.Compute(dense, dense.RowCount);
        var session = new TrainingSession(settings, new LinearModel(5), 0.1f, false, () => 0.1f, null, standardization);
        var rows = dense.Features.AsSpan(0, 256 * 5);
        var labels = dense.Labels.AsSpan(0, 256);
        session.TrainBatch(rows, labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
            session.TrainBatch(rows, labels);
        session.EndEpoch(dense.Features.AsSpan(256 * 5, 100 * 5), dense.Labels.AsSpan(256, 100));
        Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    internal static int EpochsToOnePercent(DenseDataset train, DenseDataset test, double optimum, OptimizerKind kind, float? rate)
    {
        var model = new LinearModel(train.FeatureCount);
        int reached = 0;
        var settings = new GradientDescentSettings
        {
            Optimizer = kind, LearningRate = rate, StandardizeFeatures = false, Averaged = false, Tolerance = 0, NumberOfEpochs = 150,
            EpochCompleted = record =>
            {
                if (reached == 0 && Math.Sqrt(MseLoss.Cost(model, test)) <= 1.01 * optimum)
                    reached = record.Epoch;
            },
        };
        new GradientDescentLoop(settings).Run(train, model);
        return reached;
    }

    internal static (DenseDataset Train, DenseDataset Test) Split(SyntheticRegression data, int trainRows)
    {
        int d = data.FeatureCount;
        return (new DenseDataset(data.Features[..(trainRows * d)], data.Labels[..trainRows], d),
                new DenseDataset(data.Features[(trainRows * d)..], data.Labels[trainRows..], d));
    }

    internal static double OptimumTestRmse(DenseDataset train, DenseDataset test)
    {
        var (weights, bias, reason) = LeastSquaresSolver.Solve(train);
        Assert.IsNotNull(weights, reason);
        return Math.Sqrt(LeastSquaresSolver.MeanSquaredError(test, weights, bias));
    }

    private static IDataView View(MLContext ml, DenseDataset data)
    {
        var rows = new float[data.RowCount][];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = data.Row(i).ToArray();
        return ml.Data.LoadFromEnumerable(
            rows.Select((x, i) => new Row { Label = data.Labels[i], Features = x }),
            SchemaFor(ml, data.FeatureCount));
    }

    private static Microsoft.ML.Data.SchemaDefinition SchemaFor(MLContext ml, int d)
    {
        _ = ml;
        var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, d);
        return definition;
    }

    private sealed class Row
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
