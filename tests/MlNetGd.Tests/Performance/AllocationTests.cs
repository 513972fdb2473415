using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Performance;

/// <summary>The epoch loop allocates nothing: the bytes allocated do not grow with the number of epochs.</summary>
/// <remarks>Run alone ([DoNotParallelize]), because the process-wide count also sees other tests' allocations.</remarks>
[TestClass]
[DoNotParallelize]
public sealed class AllocationTests
{
    private static readonly DenseDataset Data = SyntheticRegression.Generate(10_000, 32, seed: 4).ToDenseDataset();

    [TestMethod]
    [DataRow(32, 1)]
    [DataRow(256, 1)]
    [DataRow(4096, 1)]
    [DataRow(4096, 2)]
    public void EpochsAfterTheFirstAllocateNothing(int batchSize, int threads)
    {
        for (int warmUp = 0; warmUp < 3; warmUp++)
            Fit(batchSize, threads, epochs: 20); // JIT tiers and the thread pool settle

        // The only per-epoch difference is the history list's capacity (NumberOfEpochs records).
        long historyBytes = 18 * System.Runtime.CompilerServices.Unsafe.SizeOf<EpochRecord>();
        // Judged by the quietest of three tries. The process-wide count also sees whatever other threads of the test host allocate
        // meanwhile (a finished test's child-process readers, timers, an in-process cluster); the calling thread's count moved too,
        // now and then, by a few hundred bytes the runtime took (with helpers: queueing one only when none lingers, which follows
        // the load; on one thread too, once in CI runs). An allocation of the loop itself would show in every try, growing with the epochs.
        var threadExtras = new List<long>();
        long processExtra = long.MaxValue;
        for (int attempt = 0; attempt < 3 && (processExtra > historyBytes + 4096 || !threadExtras.Contains(historyBytes)); attempt++)
        {
            var (threadBytes2, totalBytes2) = Fit(batchSize, threads, epochs: 2);
            var (threadBytes20, totalBytes20) = Fit(batchSize, threads, epochs: 20);
            threadExtras.Add(threadBytes20 - threadBytes2);
            processExtra = Math.Min(processExtra, totalBytes20 - totalBytes2);
        }
        CollectionAssert.Contains(threadExtras, historyBytes, $"calling thread: {string.Join(", ", threadExtras)} bytes in three tries, expected {historyBytes}");
        Assert.IsLessThanOrEqualTo(historyBytes + 4096, processExtra, "whole process (thread-pool bookkeeping may allocate a little)");
    }

    [TestMethod]
    [DataRow(256, 1)]
    [DataRow(4096, 2)]
    public void EveryEpochAllocatesTheSameZeroBytes(int batchSize, int threads)
    {
        // The quietest of three fits, as above: an allocation of the loop would show in every epoch of every fit.
        var tries = new List<long[]>();
        while (tries.Count < 3 && (tries.Count == 0 || tries[^1].Skip(2).Any(bytes => bytes != 0)))
            tries.Add(PerEpochBytes(batchSize, threads));
        CollectionAssert.AreEqual(new long[10], tries[^1].Skip(2).ToArray(), string.Join(" | ", tries.Select(t => string.Join(", ", t))));
    }

    private static long[] PerEpochBytes(int batchSize, int threads)
    {
        var model = new LinearModel(Data.FeatureCount);
        var perEpoch = new List<long>();
        long last = 0;
        var settings = new GradientDescentSettings
        {
            LearningRate = 0.01f, BatchSize = batchSize, NumberOfEpochs = 12, Tolerance = 0, NumberOfThreads = threads,
            EpochCompleted = _ =>
            {
                long now = GC.GetAllocatedBytesForCurrentThread();
                perEpoch.Add(now - last);
                last = GC.GetAllocatedBytesForCurrentThread();
            },
        };
        perEpoch.Capacity = 16;
        last = GC.GetAllocatedBytesForCurrentThread();
        new GradientDescentLoop(settings).Run(Data, model);
        return [.. perEpoch];
    }

    private static (long ThreadBytes, long TotalBytes) Fit(int batchSize, int threads, int epochs)
    {
        var model = new LinearModel(Data.FeatureCount);
        var settings = new GradientDescentSettings
        {
            LearningRate = 0.01f, BatchSize = batchSize, NumberOfEpochs = epochs, Tolerance = 0, NumberOfThreads = threads,
        };
        var loop = new GradientDescentLoop(settings);
        long total = GC.GetTotalAllocatedBytes(precise: true);
        long thread = GC.GetAllocatedBytesForCurrentThread();
        loop.Run(Data, model);
        return (GC.GetAllocatedBytesForCurrentThread() - thread, GC.GetTotalAllocatedBytes(precise: true) - total);
    }
}
