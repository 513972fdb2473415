using FsCheck;
using FsCheck.Fluent;
using MlNetGd.Comparison;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Reliability;

/// <summary>Property tests (FsCheck) of invariants of the numeric core, over small random datasets.</summary>
[TestClass]
public sealed class CorePropertyTests
{
    /// <summary>A random dataset: n rows of d features and labels, values in [−10, 10] with two decimals.</summary>
    public sealed record Case(int Rows, int Features, float[] X, float[] Y, int Seed)
    {
        public DenseDataset ToDataset() => new((float[])X.Clone(), (float[])Y.Clone(), Features);

        public DenseDataset ScaledLabels(float scale) => new((float[])X.Clone(), Y.Select(y => y * scale).ToArray(), Features);

        public override string ToString() =>
            $"n={Rows} d={Features} seed={Seed} X=[{string.Join(", ", X)}] Y=[{string.Join(", ", Y)}]";
    }

    private static readonly Gen<float> Value = Gen.Choose(-1000, 1000).Select(i => i / 100f);

    private static Arbitrary<Case> Cases(int minRows, int maxRows, int maxFeatures) =>
        (from d in Gen.Choose(1, maxFeatures)
         from n in Gen.Choose(Math.Max(minRows, 1), maxRows).Select(n => minRows < 0 ? n + d - minRows : n)
         from x in Gen.ArrayOf(Value, n * d)
         from y in Gen.ArrayOf(Value, n)
         from seed in Gen.Choose(0, 1_000_000)
         select new Case(n, d, x, y, seed)).ToArbitrary();

    private static void Check(Property property, int cases = 60) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true), property);

    [TestMethod]
    public void FullBatchCostNeverRisesWithRateOneOverLargestEigenvalue()
    {
        Check(Prop.ForAll(Cases(1, 40, 5), c =>
        {
            var data = c.ToDataset();
            var (lambda, _) = CurvatureEstimator.Estimate(data);
            var costs = new List<double>();
            var settings = new GradientDescentSettings
            {
                StandardizeFeatures = false, // the property is about raw full-batch descent at 1/λmax of the raw curvature
                Averaged = false,
                LearningRate = (float)(1 / lambda),
                BatchSize = c.Rows,
                Shuffle = false,
                Tolerance = 0,
                NumberOfEpochs = 40,
                EpochCompleted = e => costs.Add(e.TrainingCost),
            };
            var model = new LinearModel(c.Features);
            new GradientDescentLoop(settings).Run(data, model);
            costs.Add(MseLoss.Cost(model, data));
            for (int k = 1; k < costs.Count; k++)
                if (costs[k] > costs[k - 1] * (1 + 1e-5) + 1e-9)
                    return false.Label($"cost rose at step {k}: {costs[k - 1]} -> {costs[k]} (λmax {lambda})");
            return true.ToProperty();
        }), 500);
    }

    [TestMethod]
    public void AutomaticRateNeverRaisesTheFullBatchCost()
    {
        Check(Prop.ForAll(Cases(1, 40, 5), c =>
        {
            var data = c.ToDataset();
            var costs = new List<double>();
            var settings = new GradientDescentSettings
            {
                StandardizeFeatures = false, // the property is about raw full-batch descent at 1/λmax of the raw curvature
                Averaged = false,
                BatchSize = int.MaxValue, Shuffle = false, Tolerance = 0, NumberOfEpochs = 30, EpochCompleted = e => costs.Add(e.TrainingCost),
            };
            var model = new LinearModel(c.Features);
            new GradientDescentLoop(settings).Run(data, model);
            costs.Add(MseLoss.Cost(model, data));
            return Enumerable.Range(1, costs.Count - 1).All(k => costs[k] <= costs[k - 1] * (1 + 1e-5) + 1e-9)
                .Label($"costs {string.Join(", ", costs)}");
        }));
    }

    [TestMethod]
    public void FullBatchGradientDoesNotDependOnRowOrder()
    {
        Check(Prop.ForAll(Cases(1, 50, 6), c =>
        {
            var data = c.ToDataset();
            var shuffled = c.ToDataset();
            shuffled.ShuffleRows(c.Seed);
            var rng = new SplitMix64(c.Seed);
            var parameters = Enumerable.Range(0, c.Features + 1).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
            var model = new LinearModel(parameters.AsSpan(0, c.Features), parameters[^1]);

            var g1 = new float[c.Features + 1];
            var g2 = new float[c.Features + 1];
            double cost1 = MseLoss.Gradient(model, data, g1);
            double cost2 = MseLoss.Gradient(model, shuffled, g2);

            // Rounding bound: each component is a sum of n terms 2·r·x/n, so compare against the sum of their magnitudes.
            var scale = new double[c.Features + 1];
            for (int i = 0; i < c.Rows; i++)
            {
                var x = data.Row(i);
                double r = Math.Abs(model.Predict(x) - data.Labels[i]);
                for (int j = 0; j < c.Features; j++)
                    scale[j] += 2 * r * Math.Abs(x[j]) / c.Rows;
                scale[c.Features] += 2 * r / c.Rows;
            }
            for (int j = 0; j <= c.Features; j++)
                if (Math.Abs(g1[j] - g2[j]) > 1e-5 * scale[j] + 1e-30)
                    return false.Label($"component {j}: {g1[j]} vs {g2[j]} (scale {scale[j]})");
            return (Math.Abs(cost1 - cost2) <= 1e-12 * cost1).Label($"cost {cost1} vs {cost2}");
        }));
    }

    private static readonly Gen<float> PowerOfTwo =
        from k in Gen.Choose(-3, 3)
        from negative in Gen.Elements(false, true)
        select (negative ? -1f : 1f) * MathF.Pow(2, k);

    [TestMethod]
    public void ScalingTheLabelsByAPowerOfTwoScalesTheTrainedModelExactly()
    {
        // Every operation of a fit from zero is linear in (parameters, labels), and multiplying by 2^k is exact in floating point,
        // so the trajectory scales exactly: same batches, same rate, same stopping epoch.
        Check(Prop.ForAll(Cases(1, 60, 4), PowerOfTwo.ToArbitrary(), Gen.Choose(1, 64).ToArbitrary(), (c, scale, batchSize) =>
        {
            var settings = new GradientDescentSettings { BatchSize = batchSize, Seed = c.Seed, NumberOfEpochs = 25 };
            var plain = new LinearModel(c.Features);
            var h1 = new GradientDescentLoop(settings).Run(c.ToDataset(), plain);
            var scaled = new LinearModel(c.Features);
            var h2 = new GradientDescentLoop(settings).Run(c.ScaledLabels(scale), scaled);
            bool same = plain.Parameters.Zip(scaled.Parameters).All(p => p.First * scale == p.Second);
            return (same && h1.EpochCount == h2.EpochCount).Label(
                $"scale {scale}: [{string.Join(", ", plain.Parameters)}] vs [{string.Join(", ", scaled.Parameters)}], epochs {h1.EpochCount} vs {h2.EpochCount}");
        }), cases: 200);
    }

    [TestMethod]
    public void ScalingTheLabelsScalesTheLeastSquaresOptimum()
    {
        var scales = Gen.Choose(-1000, 1000).Where(i => Math.Abs(i) >= 10).Select(i => i / 100f).ToArbitrary();
        // At least d + 3 rows, so the system is overdetermined.
        Check(Prop.ForAll(Cases(-3, 40, 5), scales, (c, scale) =>
        {
            var data = c.ToDataset();
            var scaledData = c.ScaledLabels(scale);
            var (w, b, reason) = LeastSquaresSolver.Solve(data);
            var (ws, bs, reasonScaled) = LeastSquaresSolver.Solve(scaledData);
            if (w is null || ws is null)
                return (reason is not null && reasonScaled is not null).Label("singular for one label scale only");
            // c·θ(y) is as good as θ(c·y) on the scaled problem: both are its optimum (up to float label rounding).
            double optimum = LeastSquaresSolver.MeanSquaredError(scaledData, ws, bs);
            double scaledModel = LeastSquaresSolver.MeanSquaredError(scaledData, w.Select(v => v * scale).ToArray(), b * scale);
            double meanSquare = scaledData.Labels.Average(y => (double)y * y);
            return (Math.Abs(scaledModel - optimum) <= 1e-6 * optimum + 1e-9 * meanSquare + 1e-12)
                .Label($"scale {scale}: MSE {scaledModel} vs optimum {optimum}");
        }), cases: 80);
    }

    [TestMethod]
    public void ScalingTheLabelsByAPowerOfTwoScalesTheLeastSquaresSolutionExactly()
    {
        Check(Prop.ForAll(Cases(-3, 40, 5), PowerOfTwo.ToArbitrary(), (c, scale) =>
        {
            var (w, b, _) = LeastSquaresSolver.Solve(c.ToDataset());
            var (ws, bs, _) = LeastSquaresSolver.Solve(c.ScaledLabels(scale));
            if (w is null || ws is null)
                return (w is null && ws is null).ToProperty();
            return (w.Zip(ws).All(p => p.First * scale == p.Second) && b * scale == bs).Label($"scale {scale}");
        }));
    }
}
