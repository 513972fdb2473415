using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Sparse;

/// <summary>The O(nonzeros) SGD step equals the plain dense step (standardized, with weight decay and averaging).</summary>
[TestClass]
public sealed class LazySparseSgdTests
{
    [TestMethod]
    [DataRow(true, 0f, DisplayName = "standardized, no decay")]
    [DataRow(true, 2f, DisplayName = "standardized, decay strong enough to renormalize the scale many times")]
    [DataRow(false, 0.5f, DisplayName = "raw features, decay")]
    public void LazyStepsEqualDenseStepsAndTheirAverage(bool standardize, float decay)
    {
        var dense = SparseData.OneHot(400, [7, 5], 1.2, seed: 8);
        var csr = CsrDataset.FromDense(dense);
        var standardization = standardize ? FeatureStandardization.Compute(csr, csr.RowCount) : null;
        int d = dense.FeatureCount, p = d + 1;
        float eta = standardize ? 0.05f : 0.005f; // raw, the numeric column (0..10) allows only a small stable rate
        var theta = new float[p];
        for (int j = 0; j < p; j++)
            theta[j] = 0.1f * (j % 5) - 0.2f;
        var lazy = new LazySparseSgd(d, standardization, weightDecay: decay);
        lazy.Load(theta);

        var reference = (float[])theta.Clone();
        var raw = new float[p];
        var gradient = new float[p];
        var mapped = new float[p];
        var sum = new double[p];
        const int steps = 400;
        for (int t = 0; t < steps; t++)
        {
            var batch = csr.Rows(t * 16 % 384, 16);
            if (standardization is null)
                reference.CopyTo(raw, 0);
            else
                standardization.ToRaw(reference, raw);
            double expectedCost = MseLoss.Gradient(raw, batch, gradient);
            if (standardization is null)
                gradient.CopyTo(mapped, 0);
            else
                standardization.GradientToStandardized(gradient, mapped);
            for (int j = 0; j < p; j++)
                reference[j] -= eta * (mapped[j] + (j < d ? decay * reference[j] : 0));
            for (int j = 0; j < p; j++)
                sum[j] += reference[j];

            Assert.IsTrue(double.IsFinite(expectedCost) && expectedCost < 1e4, $"the reference is stable: {expectedCost} at step {t}");
            double cost = lazy.Step(batch, eta, double.PositiveInfinity);
            Assert.AreEqual(expectedCost, cost, 1e-4 * Math.Max(1, expectedCost), $"cost at step {t}");
        }
        var lazyTheta = new float[p];
        var lazyAverage = new float[p];
        lazy.Store(lazyTheta, lazyAverage);
        Assert.AreEqual(steps, lazy.Steps);
        for (int j = 0; j < p; j++)
        {
            Assert.AreEqual(reference[j], lazyTheta[j], 1e-3f * Math.Max(1, Math.Abs(reference[j])), $"θ[{j}]");
            Assert.AreEqual(sum[j] / steps, lazyAverage[j], 1e-3 * Math.Max(1, Math.Abs(sum[j] / steps)), $"average[{j}]");
        }
    }

    [TestMethod]
    [DataRow(0f, 0f, DisplayName = "plain")]
    [DataRow(0.3f, 0.002f, DisplayName = "weight decay and L1")]
    public void SmallBatchesRowByRowEndOnTheBitsOfTheSplitByParts(float decay, float l1)
    {
        // The same batches through both ways of a step: split by column parts (every batch large enough) and row by row on the
        // calling thread (no batch large enough). The sums are the same in the same order, so every bit must agree.
        var data = Performance.SparseThreadCountTests.Rows(3000, 5000, 9, seed: 21);
        var standardization = FeatureStandardization.Compute(data, data.RowCount);
        int d = data.FeatureCount;
        float[] Run(int minParallelNonzeros, out double[] costs)
        {
            var step = new LazySparseSgd(d, standardization, weightDecay: decay, l1: l1, numberOfThreads: 1, minParallelNonzeros: minParallelNonzeros);
            step.Load(new float[d + 1]);
            costs = new double[300];
            for (int t = 0; t < costs.Length; t++)
                costs[t] = step.Step(data.Rows(t * 97 % 2900, 100), 0.02f, double.PositiveInfinity);
            var theta = new float[d + 1];
            var average = new float[d + 1];
            step.Store(theta, average);
            return [.. theta, .. average];
        }

        var split = Run(minParallelNonzeros: 0, out var splitCosts);
        var rows = Run(minParallelNonzeros: int.MaxValue, out var rowCosts);
        Assert.IsTrue(split.Any(v => v != 0) && split.All(float.IsFinite));
        CollectionAssert.AreEqual(splitCosts, rowCosts);
        CollectionAssert.AreEqual(split, rows);
    }

    [TestMethod]
    public void LazyL1IsTheCumulativePenaltyOnTheColumnsEachBatchTouches()
    {
        // Raw features (no centering term): Tsuruoka, Tsujii and Ananiadou's SGD-L1 (cumulative) written out densely. Each step is
        // plain SGD on the batch, then each column the batch has a value in is moved toward 0 by the penalty it is owed (the total
        // U = Σ ηλ₁ less what it received), clipped at 0; at the end every column gets what it is still owed.
        var dense = SparseData.OneHot(400, [7, 5], 1.2, seed: 8);
        var csr = CsrDataset.FromDense(dense);
        int d = dense.FeatureCount, p = d + 1;
        const float eta = 0.005f, l1 = 2f;
        var theta = new float[p];
        for (int j = 0; j < p; j++)
            theta[j] = 0.1f * (j % 5) - 0.2f;
        var lazy = new LazySparseSgd(d, standardization: null, weightDecay: 0, l1: l1);
        lazy.Load(theta);

        var reference = (float[])theta.Clone();
        var gradient = new float[p];
        var received = new double[d];
        double owed = 0;
        double Penalized(double v, int j) => v > 0 ? Math.Max(0, v - (owed + received[j])) : v < 0 ? Math.Min(0, v + (owed - received[j])) : 0;
        void Penalize(int j)
        {
            double v = reference[j], after = Penalized(v, j);
            received[j] += after - v;
            reference[j] = (float)after;
        }
        for (int t = 0; t < 400; t++)
        {
            var batch = csr.Rows(t * 16 % 384, 16);
            double expectedCost = MseLoss.Gradient(reference, batch, gradient);
            for (int j = 0; j < p; j++)
                reference[j] -= eta * gradient[j];
            owed += eta * l1;
            foreach (int j in batch.Indices[batch.RowStarts[0]..batch.RowEnds[^1]].ToArray().Distinct())
                Penalize(j);

            double cost = lazy.Step(batch, eta, double.PositiveInfinity);
            Assert.AreEqual(expectedCost, cost, 1e-4 * Math.Max(1, expectedCost), $"cost at step {t}");
        }
        for (int j = 0; j < d; j++)
            Penalize(j);
        var lazyTheta = new float[p];
        lazy.Store(lazyTheta, new float[p]);
        for (int j = 0; j < p; j++)
            Assert.AreEqual(reference[j], lazyTheta[j], 1e-3f * Math.Max(1, Math.Abs(reference[j])), $"θ[{j}]");
        Assert.IsTrue(lazyTheta.Take(d).Count(w => w == 0) >= 3, $"L1 sets weights to exactly 0: {string.Join(", ", lazyTheta)}");
    }
}
