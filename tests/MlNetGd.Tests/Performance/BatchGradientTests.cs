using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Performance;

/// <summary>The chunked, data-parallel gradient: exactly the sequential chunked reduction, and the plain gradient within rounding.</summary>
[TestClass]
public sealed class BatchGradientTests
{
    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(7, 3)]
    [DataRow(64, 511)]
    [DataRow(64, 512)]
    [DataRow(64, 513)]
    [DataRow(9, 2049)]
    [DataRow(64, 5000)]
    [DataRow(65, 3001)]
    public void ParallelGradientEqualsSequentialChunkedReferenceBitForBit(int d, int rows)
    {
        var (parameters, features, labels) = Random(d, rows, seed: d * 1000 + rows);
        var (expected, expectedCost) = ChunkedReference(parameters, features, labels);

        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            var kernel = new BatchGradient(d + 1, threads, minParallelRows: 0);
            var gradient = new float[d + 1];
            for (int repeat = 0; repeat < 3; repeat++)
            {
                double cost = kernel.Compute(parameters, features, labels, gradient);
                Assert.AreEqual(expectedCost, cost, 0.0, $"threads {threads}");
                CollectionAssert.AreEqual(expected, gradient, $"threads {threads}, repeat {repeat}");
            }
        }
    }

    [TestMethod]
    [DoNotParallelize] // needs a free thread-pool thread to start a helper
    public void ChunksComputedByHelperThreadsGiveTheSameBits()
    {
        var (parameters, features, labels) = Random(8, 64 * BatchGradient.ChunkRows, seed: 21);
        var (expected, expectedCost) = ChunkedReference(parameters, features, labels);
        var kernel = new BatchGradient(9, 2, minParallelRows: 0);
        var gradient = new float[9];

        for (int attempt = 0; attempt < 500 && kernel.ChunksByHelpers == 0; attempt++)
        {
            Assert.AreEqual(expectedCost, kernel.Compute(parameters, features, labels, gradient), 0.0);
            CollectionAssert.AreEqual(expected, gradient);
        }
        if (kernel.ChunksByHelpers == 0)
            Assert.Inconclusive("The thread pool never started a helper in 500 batches, so only the calling thread was exercised.");
        for (int repeat = 0; repeat < 20; repeat++)
        {
            Assert.AreEqual(expectedCost, kernel.Compute(parameters, features, labels, gradient), 0.0);
            CollectionAssert.AreEqual(expected, gradient);
        }
    }

    [TestMethod]
    public void OneChunkEqualsSquaredLossExactly()
    {
        var (parameters, features, labels) = Random(64, BatchGradient.ChunkRows, seed: 3);
        var plain = new float[65];
        var chunked = new float[65];

        double plainCost = MseLoss.Gradient(parameters, features, labels, plain);
        double chunkedCost = new BatchGradient(65, 2, minParallelRows: 0).Compute(parameters, features, labels, chunked);

        Assert.AreEqual(plainCost, chunkedCost, 0.0);
        CollectionAssert.AreEqual(plain, chunked);
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(8, 100)]
    [DataRow(64, 4097)]
    [DataRow(33, 20000)]
    public void ChunkedGradientMatchesAPlainDoubleLoopWithinRounding(int d, int rows)
    {
        var (parameters, features, labels) = Random(d, rows, seed: 11 + d);
        var gradient = new float[d + 1];

        double cost = new BatchGradient(d + 1, 2, minParallelRows: 0).Compute(parameters, features, labels, gradient);

        var (expected, expectedCost) = PlainDouble(parameters, features, labels);
        Assert.AreEqual(expectedCost, cost, 1e-5 * expectedCost);
        double scale = expected.Max(Math.Abs) + 1e-3;
        for (int j = 0; j <= d; j++)
            Assert.AreEqual(expected[j], gradient[j], 1e-4 * scale, $"component {j}");
    }

    [TestMethod]
    public void KernelMatchesAScalarLoopForEveryLengthUpTo64()
    {
        for (int d = 1; d <= 64; d++)
        {
            for (int rows = 0; rows <= 9; rows++)
            {
                var (parameters, features, labels) = Random(d, rows, seed: d * 31 + rows);
                var gradient = new float[d + 1];
                double cost = MseLoss.Gradient(parameters, features, labels, gradient);
                var (expected, expectedCost) = PlainDouble(parameters, features, labels);
                Assert.AreEqual(expectedCost, cost, 1e-5 * (expectedCost + 1), $"d {d}, rows {rows}");
                for (int j = 0; j <= d; j++)
                    Assert.AreEqual(expected[j], gradient[j], 1e-4 * (Math.Abs(expected[j]) + 1), $"d {d}, rows {rows}, component {j}");
            }
        }
    }

    [TestMethod]
    public void EmptyBatchGivesZeroCostAndGradient()
    {
        var gradient = new float[] { 1, 2, 3 };
        double cost = new BatchGradient(3, 2).Compute(new float[3], [], [], gradient);
        Assert.AreEqual(0.0, cost);
        CollectionAssert.AreEqual(new float[3], gradient);
    }

    [TestMethod]
    [DataRow(1, 1, 0, "parameterCount")]
    [DataRow(3, -1, 0, "numberOfThreads")]
    [DataRow(3, 1, -5, "minParallelRows")]
    public void InvalidArgumentsNameTheParameter(int parameterCount, int threads, int minParallelRows, string paramName)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BatchGradient(parameterCount, threads, minParallelRows));
        Assert.AreEqual(paramName, e.ParamName);
        StringAssert.Contains(e.Message, "must be");
    }

    [TestMethod]
    public void MismatchedLengthsAreRejected()
    {
        var kernel = new BatchGradient(3, 1);
        Assert.AreEqual("features", Assert.ThrowsExactly<ArgumentException>(() => kernel.Compute(new float[3], new float[5], new float[3], new float[3])).ParamName);
        Assert.AreEqual("gradient", Assert.ThrowsExactly<ArgumentException>(() => kernel.Compute(new float[3], new float[6], new float[3], new float[2])).ParamName);
        Assert.AreEqual("parameters", Assert.ThrowsExactly<ArgumentException>(() => kernel.Compute(new float[4], new float[6], new float[3], new float[3])).ParamName);
    }

    [TestMethod]
    public void ZeroThreadsMeansAllCores() => Assert.AreEqual(Environment.ProcessorCount, new BatchGradient(3, 0).ThreadCount);

    /// <summary>The reduction the parallel gradient promises, written out sequentially: chunk sums in chunk order, then the scale.</summary>
    private static (float[] Gradient, double Cost) ChunkedReference(float[] parameters, float[] features, float[] labels)
    {
        int d = parameters.Length - 1;
        int rows = labels.Length;
        var total = new float[d];
        double sumResidual = 0, sumSquares = 0;
        for (int start = 0, chunk = 0; start < rows; start += BatchGradient.ChunkRows, chunk++)
        {
            int count = Math.Min(BatchGradient.ChunkRows, rows - start);
            var partial = new float[d];
            var (r, s) = BatchGradient.Accumulate(parameters.AsSpan(0, d), parameters[d], features.AsSpan(start * d, count * d),
                labels.AsSpan(start, count), partial);
            for (int j = 0; j < d; j++)
                total[j] = chunk == 0 ? partial[j] : total[j] + partial[j];
            sumResidual += r;
            sumSquares += s;
        }
        float scale = 2f / rows;
        var gradient = new float[d + 1];
        for (int j = 0; j < d; j++)
            gradient[j] = total[j] * scale;
        gradient[d] = (float)(sumResidual * scale);
        return (gradient, sumSquares / rows);
    }

    private static (double[] Gradient, double Cost) PlainDouble(float[] parameters, float[] features, float[] labels)
    {
        int d = parameters.Length - 1;
        int rows = labels.Length;
        var gradient = new double[d + 1];
        double cost = 0;
        for (int i = 0; i < rows; i++)
        {
            double r = parameters[d] - (double)labels[i];
            for (int j = 0; j < d; j++)
                r += (double)parameters[j] * features[i * d + j];
            cost += r * r;
            for (int j = 0; j < d; j++)
                gradient[j] += 2 * r * features[i * d + j];
            gradient[d] += 2 * r;
        }
        if (rows == 0)
            return (gradient, 0);
        for (int j = 0; j <= d; j++)
            gradient[j] /= rows;
        return (gradient, cost / rows);
    }

    internal static (float[] Parameters, float[] Features, float[] Labels) Random(int d, int rows, int seed)
    {
        var rng = new SplitMix64(seed);
        float Next() => (float)(rng.NextDouble() * 4 - 2);
        var parameters = Enumerable.Range(0, d + 1).Select(_ => Next()).ToArray();
        var features = Enumerable.Range(0, d * rows).Select(_ => Next()).ToArray();
        var labels = Enumerable.Range(0, rows).Select(_ => Next() * 5).ToArray();
        return (parameters, features, labels);
    }
}
