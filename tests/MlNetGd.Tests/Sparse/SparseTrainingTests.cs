using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Comparison;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Sparse;

/// <summary>The same rows stored dense and as CSR train the same model; CSR training reaches the optimum; memory follows the nonzeros.</summary>
[TestClass]
public sealed class SparseTrainingTests
{
    public static IEnumerable<object[]> Settings()
    {
        yield return ["defaults", new GradientDescentSettings()];
        yield return ["full batch", new GradientDescentSettings { BatchSize = 100_000 }];
        yield return ["no standardization", new GradientDescentSettings { StandardizeFeatures = false }];
        yield return ["not averaged", new GradientDescentSettings { Averaged = false }];
        yield return ["momentum", new GradientDescentSettings { Optimizer = OptimizerKind.Momentum }];
        yield return ["nesterov", new GradientDescentSettings { Optimizer = OptimizerKind.Nesterov }];
        yield return ["adam", new GradientDescentSettings { Optimizer = OptimizerKind.Adam }];
        yield return ["adamw", new GradientDescentSettings { Optimizer = OptimizerKind.AdamW, L2Regularization = 0.001f }];
        yield return ["l2", new GradientDescentSettings { L2Regularization = 0.01f }];
        yield return ["schedule", new GradientDescentSettings { Schedule = LearningRateSchedule.Cosine }];
        yield return ["early stopping", new GradientDescentSettings { ValidationFraction = 0.2 }];
        yield return ["given rate", new GradientDescentSettings { LearningRate = 0.01f }];
    }

    [TestMethod]
    [DynamicData(nameof(Settings))]
    public void DenseAndCsrStorageOfTheSameRowsGiveTheSameModel(string name, GradientDescentSettings settings)
    {
        settings = settings with { NumberOfEpochs = 15, Tolerance = 0 };
        var dense = SparseData.OneHot(3000, [30, 12, 5], 1.1, seed: 4);
        var csr = CsrDataset.FromDense(dense);
        dense.ShuffleRows(9);
        csr.ShuffleRows(9);
        CollectionAssert.AreEqual(dense.Labels, csr.Labels, "the same seed puts the rows in the same order");

        var fromDense = new LinearModel(dense.FeatureCount);
        var fromCsr = new LinearModel(dense.FeatureCount);
        var denseHistory = new GradientDescentLoop(settings).Run(dense, fromDense);
        var csrHistory = new GradientDescentLoop(settings).Run(csr, fromCsr);

        Assert.AreEqual(denseHistory.LearningRate, csrHistory.LearningRate, 1e-4 * denseHistory.LearningRate, name);
        Assert.AreEqual(denseHistory.Epochs.Count, csrHistory.Epochs.Count, name);
        double scale = fromDense.Parameters.Max(Math.Abs);
        for (int j = 0; j < fromDense.Parameters.Length; j++)
            Assert.AreEqual(fromDense.Parameters[j], fromCsr.Parameters[j], 2e-3 * scale, $"{name}: parameter {j}");
        Assert.AreEqual(denseHistory.FinalCost, csrHistory.FinalCost, 1e-3 * denseHistory.FinalCost, name);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void L1FitsOnDenseAndCsrRowsReachTheL1Optimum(bool averaged)
    {
        // Dense rows step with the exact proximal threshold, CSR rows with the cumulative penalty in O(nonzeros): different paths
        // to the same optimum of MSE + λ₁‖w‖₁, here found by proximal full-batch gradient descent (ISTA) on raw features.
        var dense = SparseData.OneHot(3000, [30, 12, 5], 1.1, seed: 4);
        var csr = CsrDataset.FromDense(dense);
        dense.ShuffleRows(9);
        csr.ShuffleRows(9);
        const float l1 = 0.05f;
        var settings = new GradientDescentSettings { L1Regularization = l1, StandardizeFeatures = false, Averaged = averaged, NumberOfEpochs = 400, Tolerance = 0 };
        var fromDense = new LinearModel(dense.FeatureCount);
        var fromCsr = new LinearModel(dense.FeatureCount);
        new GradientDescentLoop(settings).Run(dense, fromDense);
        new GradientDescentLoop(settings).Run(csr, fromCsr);

        // FISTA (Beck and Teboulle, 2009): proximal gradient steps from an extrapolated point.
        var optimum = new float[dense.FeatureCount + 1];
        var previous = new float[optimum.Length];
        var point = new float[optimum.Length];
        var gradient = new float[optimum.Length];
        double rate = 1 / CurvatureEstimator.Estimate(dense).LargestEigenvalue, t = 1;
        for (int k = 0; k < 3000; k++)
        {
            MseLoss.Gradient(point, dense.Rows(), gradient);
            optimum.CopyTo(previous, 0);
            for (int j = 0; j < optimum.Length; j++)
            {
                double w = point[j] - rate * gradient[j];
                optimum[j] = (float)(j == optimum.Length - 1 ? w : Math.Sign(w) * Math.Max(Math.Abs(w) - rate * l1, 0));
            }
            double next = (1 + Math.Sqrt(1 + 4 * t * t)) / 2;
            for (int j = 0; j < optimum.Length; j++)
                point[j] = (float)(optimum[j] + (t - 1) / next * (optimum[j] - previous[j]));
            t = next;
        }
        double Objective(float[] p) => MseLoss.Cost(p, dense.Rows()) + l1 * p[..^1].Sum(Math.Abs);
        double best = Objective(optimum);
        Assert.IsTrue(Objective(fromDense.Parameters) <= best * 1.01, $"dense {Objective(fromDense.Parameters)} vs optimum {best}");
        Assert.IsTrue(Objective(fromCsr.Parameters) <= best * 1.01, $"CSR {Objective(fromCsr.Parameters)} vs optimum {best}");
        Assert.AreEqual(Objective(fromDense.Parameters), Objective(fromCsr.Parameters), 1e-3 * best, "the two penalties reach the same objective");
        if (!averaged)
            Assert.IsTrue(fromCsr.Parameters[..^1].Count(w => w == 0) >= optimum[..^1].Count(w => w == 0) / 2,
                $"the last iterate is sparse: {fromCsr.Parameters[..^1].Count(w => w == 0)} zeros; the optimum has {optimum[..^1].Count(w => w == 0)}");
    }

    [TestMethod]
    public void CsrRowsReachTheLeastSquaresOptimumWithDefaults()
    {
        var dense = SparseData.OneHot(20000, [200, 50, 8], 1.2, seed: 5);
        var csr = CsrDataset.FromDense(dense);
        csr.ShuffleRows(1);
        var model = new LinearModel(csr.FeatureCount);
        var history = new GradientDescentLoop(new GradientDescentSettings()).Run(csr, model);

        var optimum = LeastSquaresSolver.Optimum(csr);
        Assert.IsNotNull(optimum.Weights, optimum.Reason);
        double best = LeastSquaresSolver.MeanSquaredError(csr, optimum.Weights, optimum.Bias);
        double ours = MseLoss.Cost(model, csr);
        Assert.IsTrue(ours <= best * 1.005, $"ours {ours} vs optimum {best} ({history.Epochs.Count} epochs, rate {history.LearningRate})");
    }

    [TestMethod]
    public void ConjugateGradientsAgreeWithTheNormalEquations()
    {
        var dense = SparseData.OneHot(2000, [6, 4], 1.0, seed: 6);
        // Drop the last level of each categorical so the normal equations are not singular.
        int d = dense.FeatureCount;
        int[] keep = Enumerable.Range(0, d).Where(j => j != 5 && j != 9).ToArray();
        var features = new float[dense.RowCount * keep.Length];
        for (int i = 0; i < dense.RowCount; i++)
            for (int k = 0; k < keep.Length; k++)
                features[i * keep.Length + k] = dense.Features[i * d + keep[k]];
        var full = new DenseDataset(features, dense.Labels, keep.Length);
        var (weights, bias, reason) = LeastSquaresSolver.Solve(full);
        Assert.IsNotNull(weights, reason);
        var iterative = LeastSquaresSolver.Optimum(CsrDataset.FromDense(full));
        Assert.IsNotNull(iterative.Weights, iterative.Reason);
        StringAssert.Contains(iterative.Method, "conjugate gradients");
        for (int j = 0; j < weights.Length; j++)
            Assert.AreEqual(weights[j], iterative.Weights[j], 1e-6 * Math.Max(1, Math.Abs(weights[j])), $"weight {j}");
        Assert.AreEqual(bias, iterative.Bias, 1e-6 * Math.Max(1, Math.Abs(bias)));
    }

    [TestMethod]
    public void SingularNormalEquationsStillGiveTheOptimum()
    {
        // Full one-hot: the levels of a column add up to the bias column, so XᵀX is singular; CGLS still finds an optimum.
        var dense = SparseData.OneHot(1500, [5, 3], 1.0, seed: 7, numeric: false);
        Assert.IsNull(LeastSquaresSolver.Solve(dense).Weights);
        var optimum = LeastSquaresSolver.Optimum(dense);
        Assert.IsNotNull(optimum.Weights, optimum.Reason);
        StringAssert.Contains(optimum.Method, "singular");
        // Any optimum has zero gradient: Xᵀr = 0 and Σr = 0.
        var model = new LinearModel(optimum.Weights.Select(w => (float)w).ToArray(), (float)optimum.Bias);
        var gradient = new float[model.Parameters.Length];
        MseLoss.Gradient(model, dense, gradient);
        Assert.IsTrue(gradient.All(g => Math.Abs(g) < 1e-3), string.Join(", ", gradient));
    }

    [TestMethod]
    public void ReadingSparseFeaturesAllocatesInProportionToTheNonzerosNotRowsTimesFeatures()
    {
        // 20,000 rows x 200,000 slots with 5 nonzeros a row: dense would be 16 GB; CSR is 0.8 MB of nonzeros.
        const int rows = 20_000, width = 200_000, nonzeros = 5;
        var ml = new MLContext(1);
        var view = WideSparse.View(ml, rows, width, nonzeros, seed: 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var data = DataViewReader.ReadRows(view, "Label", "Features", skipNonFiniteRows: false, out _);
        var model = new LinearModel(width);
        data.ShuffleRows(1);
        new GradientDescentLoop(new GradientDescentSettings { NumberOfEpochs = 3, NumberOfThreads = 1 }).Run(data, model);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.IsInstanceOfType<CsrDataset>(data);
        Assert.AreEqual((long)rows * nonzeros, data.StoredValueCount);
        // Reading (the cursor's own buffers included), the shuffle's copy, and O(d) vectors of the fit (model, gradients,
        // standardization, the curvature estimate's Lanczos basis) — nothing of size rows x width.
        long bound = 200L * rows * nonzeros + 1200L * width;
        Assert.IsTrue(allocated < bound, $"{allocated:N0} bytes allocated; bound {bound:N0}");
    }

    [TestMethod]
    public void DenseAndCsrBatchesMixedInOneEpochTrainTheSameAsAllDense()
    {
        // The session switches between the O(nonzeros) step and the dense step within an epoch; the model must not go stale.
        var dense = SparseData.OneHot(1024, [9, 4], 1.1, seed: 12);
        var csr = CsrDataset.FromDense(dense);
        var settings = new GradientDescentSettings { LearningRate = 0.01f, Averaged = false, StandardizeFeatures = false };
        var mixed = new LinearModel(dense.FeatureCount);
        var reference = new LinearModel(dense.FeatureCount);
        var a = new TrainingSession(settings, mixed, 0.01f, false, () => 0.01f);
        var b = new TrainingSession(settings, reference, 0.01f, false, () => 0.01f);
        for (int k = 0; k < 16; k++)
        {
            if (k % 2 == 0)
                a.TrainBatch(csr.Rows(k * 64, 64));
            else
                a.TrainBatch(dense.Rows(k * 64, 64));
            b.TrainBatch(dense.Rows(k * 64, 64));
        }
        a.EndEpoch();
        b.EndEpoch();
        for (int j = 0; j < mixed.Parameters.Length; j++)
            Assert.AreEqual(reference.Parameters[j], mixed.Parameters[j], 1e-4f, $"parameter {j}");
    }

    [TestMethod]
    public void ACsrBlockWithOffsetsOrColumnsOutOfRangeIsRejectedWhenItIsBuilt()
    {
        float[] labels = [1f, 2f];
        var badColumn = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            RowBlock.Sparse([0, 1, 2], [0, 5], [1f, 1f], labels, featureCount: 3));
        StringAssert.Contains(badColumn.Message, "column 5");
        var badOffsets = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            RowBlock.Sparse([0, 2], [2, 9], [0, 1], [1f, 1f], labels, featureCount: 3));
        StringAssert.Contains(badOffsets.Message, "Row 1");
    }
}
