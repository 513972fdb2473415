using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Performance;

/// <summary>CSR batches on several threads (<see cref="CsrBatchSplit"/>): the gradient is the one-thread sum bit for bit, and a fit —
/// plain SGD in O(nonzeros) or a dense-state optimizer — ends on the same bits whatever the number of threads.</summary>
[TestClass]
public sealed class SparseThreadCountTests
{
    [TestMethod]
    [DataRow(1, 1, 1)]
    [DataRow(40, 33, 3)]
    [DataRow(5000, 700, 12)]
    [DataRow(1 << 20, 2048, 20)]
    public void CsrGradientIsTheRowOrderSumOnAnyNumberOfThreads(int d, int rows, int nonzeros)
    {
        var data = Rows(rows, d, nonzeros, seed: d + rows);
        var random = new Random(4);
        var parameters = Enumerable.Range(0, d + 1).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        RowBlock batch = data.Rows();

        // The reference: one thread through the rows, each contribution added to its column as it comes.
        var expected = new float[d + 1];
        double sumResidual = 0, sumSquares = 0;
        for (int i = 0; i < batch.RowCount; i++)
        {
            int start = batch.RowStarts[i], end = batch.RowEnds[i];
            float r = RowBlock.SparseDot(batch.Indices[start..end], batch.Values[start..end], parameters.AsSpan(0, d)) + parameters[d] - batch.Labels[i];
            for (int k = start; k < end; k++)
                expected[batch.Indices[k]] += r * batch.Values[k];
            sumResidual += r;
            sumSquares += (double)r * r;
        }
        float scale = 2f / rows;
        for (int j = 0; j < d; j++)
            expected[j] *= scale;
        expected[d] = (float)(sumResidual * scale);

        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            var kernel = new BatchGradient(d + 1, threads, minParallelRows: 0);
            var gradient = new float[d + 1];
            for (int repeat = 0; repeat < 3; repeat++)
            {
                Assert.AreEqual(sumSquares / rows, kernel.Compute(parameters, data.Rows(), gradient), 0.0, $"threads {threads}");
                CollectionAssert.AreEqual(expected, gradient, $"threads {threads}, repeat {repeat}");
            }
        }
    }

    [TestMethod]
    [DoNotParallelize] // needs a free thread-pool thread to start a helper
    public void UnitsDoneByHelperThreadsGiveTheSameBits()
    {
        var data = Rows(4096, 50_000, 16, seed: 8);
        var parameters = new float[50_001];
        for (int j = 0; j < parameters.Length; j++)
            parameters[j] = (j % 13 - 6) * 0.01f;
        var reference = new float[parameters.Length];
        double cost = new BatchGradient(parameters.Length, 1).Compute(parameters, data.Rows(), reference);
        var kernel = new BatchGradient(parameters.Length, 2);
        var gradient = new float[parameters.Length];
        for (int attempt = 0; attempt < 500 && kernel.ChunksByHelpers == 0; attempt++)
        {
            Assert.AreEqual(cost, kernel.Compute(parameters, data.Rows(), gradient), 0.0);
            CollectionAssert.AreEqual(reference, gradient);
        }
        if (kernel.ChunksByHelpers == 0)
            Assert.Inconclusive("The thread pool never started a helper in 500 batches, so only the calling thread was exercised.");
        for (int repeat = 0; repeat < 20; repeat++)
        {
            Assert.AreEqual(cost, kernel.Compute(parameters, data.Rows(), gradient), 0.0);
            CollectionAssert.AreEqual(reference, gradient);
        }
    }

    [TestMethod]
    [DataRow(OptimizerKind.Sgd, 0f, 0f, DisplayName = "plain SGD, O(nonzeros)")]
    [DataRow(OptimizerKind.Sgd, 0.01f, 0.001f, DisplayName = "plain SGD with L2 and L1, O(nonzeros)")]
    [DataRow(OptimizerKind.Momentum, 0f, 0f, DisplayName = "momentum: CSR gradient, dense step")]
    public void SparseFitsEndOnTheSameBitsOnAnyNumberOfThreads(OptimizerKind optimizer, float l2, float l1)
    {
        float[] Fit(int threads)
        {
            var data = Rows(12_000, 30_000, 12, seed: 3);
            var model = new LinearModel(data.FeatureCount);
            var settings = new GradientDescentSettings
            {
                // Batches of 4000 rows hold 48,000 nonzeros: enough for CsrBatchSplit to offer work to helper threads.
                BatchSize = 4096, NumberOfEpochs = 4, Tolerance = 0, NumberOfThreads = threads, Seed = 5, Optimizer = optimizer,
                L2Regularization = l2, L1Regularization = l1,
            };
            new GradientDescentLoop(settings).Run(data, model);
            return model.Parameters;
        }

        var one = Fit(1);
        Assert.IsTrue(one.All(float.IsFinite));
        Assert.IsTrue(one.Any(w => w != 0));
        CollectionAssert.AreEqual(one, Fit(2));
        CollectionAssert.AreEqual(one, Fit(3));
        CollectionAssert.AreEqual(one, Fit(0));
    }

    // Rows with distinct random columns, values in [0.5, 1.5), a label linear in a few of them plus noise.
    internal static CsrDataset Rows(int rows, int width, int nonzeros, int seed)
    {
        var random = new Random(seed);
        var starts = new int[rows + 1];
        var indices = new int[rows * nonzeros];
        var values = new float[rows * nonzeros];
        var labels = new float[rows];
        var row = new HashSet<int>();
        for (int i = 0; i < rows; i++)
        {
            row.Clear();
            while (row.Count < Math.Min(nonzeros, width))
                row.Add(random.Next(width));
            int k = starts[i];
            double y = 1;
            foreach (int j in row)
            {
                indices[k] = j;
                values[k] = 0.5f + (float)random.NextDouble();
                y += (j % 11 - 5) * 0.3 * values[k];
                k++;
            }
            starts[i + 1] = k;
            labels[i] = (float)(y + random.NextDouble() * 0.1);
        }
        return new CsrDataset(starts, indices[..starts[rows]], values[..starts[rows]], labels, width);
    }
}
