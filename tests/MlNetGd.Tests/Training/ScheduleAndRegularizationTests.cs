using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>Schedules set the rate the history records; L2 and L1 reach the optimum of the documented cost.</summary>
[TestClass]
public sealed class ScheduleAndRegularizationTests
{
    [TestMethod]
    public void AnEpochLimitIsKeptWhereThePlateauWouldHalveTheRate()
    {
        // A minibatch fit at a constant rate halves its rate where its cost plateaus; a halving needs another epoch, which an epoch
        // limit set exactly there does not allow (it used to run one epoch more than NumberOfEpochs).
        var data = SyntheticRegression.Generate(20_000, 8, seed: 7, noise: 0.5f).ToDenseDataset();
        var settings = new GradientDescentSettings { BatchSize = 1, Averaged = false, Seed = 3 }; // halves after epoch 3
        var free = new GradientDescentLoop(settings).Run(data, new LinearModel(8));
        int halvedAfter = Enumerable.Range(1, free.EpochCount - 1).FirstOrDefault(e => free.Epochs[e].LearningRate < free.Epochs[e - 1].LearningRate);
        Assert.IsTrue(halvedAfter > 0, $"the rate was never halved: {free}");

        var limited = new GradientDescentLoop(settings with { NumberOfEpochs = halvedAfter }).Run(data, new LinearModel(8));

        Assert.AreEqual(halvedAfter, limited.EpochCount);
        Assert.AreEqual(StopReason.EpochLimit, limited.StopReason);
        CollectionAssert.AreEqual(free.Epochs.Take(halvedAfter).ToList(), limited.Epochs.ToList(), "the same trajectory up to the limit");
    }

    [TestMethod]
    [DataRow(LearningRateSchedule.Constant)]
    [DataRow(LearningRateSchedule.Step)]
    [DataRow(LearningRateSchedule.Exponential)]
    [DataRow(LearningRateSchedule.InverseScaling)]
    [DataRow(LearningRateSchedule.Cosine)]
    public void HistoryRecordsTheScheduledRateOfEveryEpoch(LearningRateSchedule schedule)
    {
        const float eta = 0.05f;
        var settings = new GradientDescentSettings
        {
            LearningRate = eta, Schedule = schedule, NumberOfEpochs = 12, Tolerance = 0, DecayFactor = 0.7f, DecayEpochs = 4, DecayPower = 0.5f,
        };
        var data = SyntheticRegression.Generate(300, 3, seed: 5).ToDenseDataset();
        var history = new GradientDescentLoop(settings).Run(data, new LinearModel(3));

        Assert.AreEqual(12, history.EpochCount);
        foreach (var record in history.Epochs)
        {
            int e = record.Epoch;
            double factor = schedule switch
            {
                LearningRateSchedule.Step => Math.Pow(0.7, (e - 1) / 4),
                LearningRateSchedule.Exponential => Math.Pow(0.7, e - 1),
                LearningRateSchedule.InverseScaling => 1 / Math.Sqrt(e),
                LearningRateSchedule.Cosine => 0.5 * (1 + Math.Cos(Math.PI * (e - 1) / 12)),
                _ => 1,
            };
            Assert.AreEqual(eta * factor, record.LearningRate, 1e-6 * eta, $"epoch {e}");
        }
    }

    [TestMethod]
    public void ReduceOnPlateauDecaysWhenTheCostStopsImproving()
    {
        // Noiseless data: once the cost reaches the float floor it stops improving, and the rate must fall by γ per patience.
        var data = SyntheticRegression.Generate(200, 2, seed: 6, noise: 0).ToDenseDataset();
        var settings = new GradientDescentSettings
        {
            Schedule = LearningRateSchedule.ReduceOnPlateau, PlateauPatience = 2, DecayFactor = 0.5f, NumberOfEpochs = 200, Tolerance = 0, BatchSize = 200,
        };
        var history = new GradientDescentLoop(settings).Run(data, new LinearModel(2));
        float first = history.Epochs[0].LearningRate;
        float last = history.Epochs[^1].LearningRate;
        Assert.IsTrue(last < first / 2, $"rate {first} → {last}");
        foreach (var record in history.Epochs)
        {
            double ratio = Math.Log2(first / record.LearningRate);
            Assert.AreEqual(Math.Round(ratio), ratio, 1e-4, $"epoch {record.Epoch}: the rate only changes by halvings");
        }
    }

    [TestMethod]
    public void L2ReachesTheRidgeSolutionOfMsePlusLambdaTimesSquaredNorm()
    {
        // cost = mean((Wx + b − y)²) + λ₂‖W‖²: with centered data, (Xcᵀ Xc / n + λ₂ I) W = Xcᵀ yc / n, b = ȳ − W·x̄.
        const float lambda = 0.5f;
        var data = SyntheticRegression.Generate(400, 3, seed: 7, featureScales: [1f, 2f, 0.5f]).ToDenseDataset();
        var model = new LinearModel(3);
        new GradientDescentLoop(new GradientDescentSettings
        {
            L2Regularization = lambda, StandardizeFeatures = false, Averaged = false, BatchSize = 400, NumberOfEpochs = 3000, Tolerance = 0,
        }).Run(data, model);

        var (weights, bias) = Ridge(data, lambda);
        for (int j = 0; j < 3; j++)
            Assert.AreEqual(weights[j], model.Weights[j], 1e-3, $"weight {j}");
        Assert.AreEqual(bias, model.Bias, 1e-3);
    }

    [TestMethod]
    [DataRow(100f, 400)]
    [DataRow(100f, 64)]
    [DataRow(100f, 1)]
    public void LargeL2WithTheAutomaticRateReachesTheRidgeCostInsteadOfDiverging(float lambda, int batchSize)
    {
        // The penalty adds 2λ₂ to every eigenvalue of the cost's Hessian: a rate chosen from the MSE's curvature alone
        // (about 1/λmax of the data) diverged in the first epoch as soon as 2λ₂ was several times λmax.
        var data = SyntheticRegression.Generate(400, 3, seed: 7, featureScales: [1f, 2f, 0.5f]).ToDenseDataset();
        var model = new LinearModel(3);
        var history = new GradientDescentLoop(new GradientDescentSettings
        {
            L2Regularization = lambda, StandardizeFeatures = false, BatchSize = batchSize, NumberOfEpochs = 300,
        }).Run(data, model);

        Assert.IsTrue(history.LearningRateWasAutomatic);
        var (weights, bias) = Ridge(data, lambda);
        double optimum = RidgeCost(data, lambda, weights, bias);
        double reached = RidgeCost(data, lambda, [.. model.Weights.ToArray().Select(w => (double)w)], model.Bias);
        Assert.IsTrue(reached <= optimum * 1.01, $"cost {reached} against the ridge optimum's {optimum}");
    }

    [TestMethod]
    [DataRow(1e4f, true)]
    [DataRow(1e6f, true)]
    [DataRow(1e4f, false)]
    [DataRow(1e6f, false)]
    public void HugeL2LeavesTheUnpenalizedBiasAtTheMeanLabel(float lambda, bool standardize)
    {
        // The rate is at most 1/(2λ₂) and the bias is not penalized: started from 0 it stayed near 0 (0.0065 for labels about 100
        // at λ₂ = 1e6) and the fit said Converged. With standardized (implicitly centered) features its optimum is the mean label; on
        // raw features it tends to it as λ₂ grows (before: StandardizeFeatures = false still started the bias at 0, and it crawled).
        var data = SyntheticRegression.Generate(300, 3, seed: 4).ToDenseDataset();
        for (int i = 0; i < data.RowCount; i++)
            data.Labels[i] += 100;
        var model = new LinearModel(3);
        new GradientDescentLoop(new GradientDescentSettings { L2Regularization = lambda, StandardizeFeatures = standardize }).Run(data, model);

        double mean = data.Labels.Average(v => (double)v);
        Assert.AreEqual(mean, model.Bias + model.Weights.ToArray().Select((w, j) => w * Enumerable.Range(0, data.RowCount).Average(i => (double)data.Row(i)[j])).Sum(), 0.01 * Math.Abs(mean));
        Assert.IsTrue(model.Weights.ToArray().All(w => Math.Abs(w) < 1e-2), string.Join(", ", model.Weights.ToArray()));
    }

    private static double RidgeCost(DenseDataset data, double lambda, double[] weights, double bias)
    {
        double sum = 0;
        for (int i = 0; i < data.RowCount; i++)
        {
            double residual = bias - data.Labels[i];
            for (int j = 0; j < weights.Length; j++)
                residual += weights[j] * data.Row(i)[j];
            sum += residual * residual;
        }
        return sum / data.RowCount + lambda * weights.Sum(w => w * w);
    }

    [TestMethod]
    public void L1ReachesTheSoftThresholdedSolutionOfMsePlusLambdaTimesAbsoluteNorm()
    {
        // One feature: cost = mean((wx + b − y)²) + λ₁|w| gives w = sign(w*)·max(|w*| − λ₁/(2v), 0), v = mean((x − x̄)²).
        const float lambda = 0.8f;
        var data = SyntheticRegression.Generate(500, 1, seed: 8).ToDenseDataset();
        var model = new LinearModel(1);
        new GradientDescentLoop(new GradientDescentSettings
        {
            L1Regularization = lambda, StandardizeFeatures = false, Averaged = false, BatchSize = 500, NumberOfEpochs = 3000, Tolerance = 0,
        }).Run(data, model);

        var (ols, _) = Ridge(data, 0);
        double mean = data.Features.Average(v => (double)v);
        double variance = data.Features.Average(v => (v - mean) * (v - mean));
        double expected = Math.Sign(ols[0]) * Math.Max(Math.Abs(ols[0]) - lambda / (2 * variance), 0);
        Assert.AreEqual(expected, model.Weights[0], 1e-3);
    }

    [TestMethod]
    public void StrongL1SetsWeightsExactlyToZero()
    {
        var data = SyntheticRegression.Generate(300, 4, seed: 9).ToDenseDataset();
        var model = new LinearModel(4);
        new GradientDescentLoop(new GradientDescentSettings { L1Regularization = 100f, Averaged = false, NumberOfEpochs = 50, Tolerance = 0 }).Run(data, model);
        foreach (float w in model.Weights)
            Assert.AreEqual(0f, w);
    }

    internal static (double[] Weights, double Bias) Ridge(DenseDataset data, double lambda)
    {
        int n = data.RowCount, d = data.FeatureCount;
        var mean = new double[d];
        double yMean = data.Labels.Average(v => (double)v);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                mean[j] += data.Row(i)[j] / (double)n;
        var a = new double[d, d + 1];
        for (int i = 0; i < n; i++)
        {
            var x = data.Row(i);
            for (int j = 0; j < d; j++)
            {
                for (int k = 0; k < d; k++)
                    a[j, k] += (x[j] - mean[j]) * (x[k] - mean[k]) / n;
                a[j, d] += (x[j] - mean[j]) * (data.Labels[i] - yMean) / n;
            }
        }
        for (int j = 0; j < d; j++)
            a[j, j] += lambda;
        for (int p = 0; p < d; p++) // Gauss–Jordan, the matrix is symmetric positive definite
            for (int r = 0; r < d; r++)
            {
                if (r == p)
                    continue;
                double f = a[r, p] / a[p, p];
                for (int c = p; c <= d; c++)
                    a[r, c] -= f * a[p, c];
            }
        var w = new double[d];
        double b = yMean;
        for (int j = 0; j < d; j++)
        {
            w[j] = a[j, d] / a[j, j];
            b -= w[j] * mean[j];
        }
        return (w, b);
    }
}
