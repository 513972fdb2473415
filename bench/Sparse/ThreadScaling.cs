using System.Diagnostics;
using System.Globalization;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Sparse;

/// <summary>The <c>threads</c> mode: epochs of the core loop on CSR rows already in memory, one thread against all, alternating, at
/// several batch sizes: what the parallel CSR batches (<c>CsrBatchSplit</c>) gain, and from how many nonzeros a batch.</summary>
internal static class ThreadScaling
{
    private const int Epochs = 3, Rounds = 3;

    public static void Run()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"threads: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}; {Epochs} epochs a fit (Tolerance = 0), {Rounds} rounds alternating 1 thread and all"));
        Console.WriteLine("| rows | width | nonzeros a row | batch | nonzeros a batch | 1 thread, ms an epoch (median) | all threads | all / 1 | same model |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (rows, width, nonzeros) in new[] { (400_000, 1 << 20, 20), (400_000, 30_000, 12) })
        {
            var data = Rows(rows, width, nonzeros, seed: 1);
            foreach (int batch in new[] { 64, 256, 1024, 4096 })
            {
                var one = new List<double>();
                var all = new List<double>();
                float[]? first = null;
                bool same = true;
                for (int round = 0; round < Rounds; round++)
                {
                    foreach (int threads in round % 2 == 0 ? new[] { 1, 0 } : [0, 1])
                    {
                        var (ms, parameters) = Fit(data, batch, threads);
                        (threads == 1 ? one : all).Add(ms);
                        first ??= parameters;
                        same &= first.AsSpan().SequenceEqual(parameters);
                    }
                }
                double a = Median(one), b = Median(all);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {rows:N0} | {width:N0} | {nonzeros} | {batch} | {batch * nonzeros:N0} | {a:F1} | {b:F1} | {b / a:F2} | {(same ? "yes" : "NO")} |"));
            }
        }
    }

    /// <summary>The <c>rowpath</c> mode: the lazy SGD step on one thread, batches too small to share taken row by row (the default)
    /// against sorted by column parts first (the way of a shared batch), alternating in one process; CPU time of the calling thread, so
    /// a busy machine's waits do not count. Both ways end on the same bits.</summary>
    public static void RowPath()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rowpath: load average {File.ReadAllText("/proc/loadavg").Trim()}; one pass of batches of 256 rows on one thread, CPU ms, {Rounds * 2} rounds alternating"));
        Console.WriteLine("| rows | width | nonzeros a row | sorted by parts (median) | row by row | row by row / sorted | same bits |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (rows, width, nonzeros) in new[] { (400_000, 1 << 20, 20), (400_000, 30_000, 12) })
        {
            var data = Rows(rows, width, nonzeros, seed: 1);
            var sorted = new List<double>();
            var direct = new List<double>();
            float[]? first = null;
            bool same = true;
            for (int round = 0; round < Rounds * 2; round++)
            {
                foreach (bool rowByRow in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var step = new LazySparseSgd(width, null, numberOfThreads: 1, minParallelNonzeros: rowByRow ? int.MaxValue : 0);
                    step.Load(new float[width + 1]);
                    var before = ThreadCpu();
                    for (int start = 0; start + 256 <= rows; start += 256)
                        step.Step(data.Rows(start, 256), 0.02f, double.PositiveInfinity);
                    (rowByRow ? direct : sorted).Add((ThreadCpu() - before).TotalMilliseconds);
                    var theta = new float[width + 1];
                    step.Store(theta, new float[width + 1]);
                    first ??= theta;
                    same &= first.AsSpan().SequenceEqual(theta);
                }
            }
            double a = Median(sorted), b = Median(direct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {rows:N0} | {width:N0} | {nonzeros} | {a:F1} | {b:F1} | {b / a:F2} | {(same ? "yes" : "NO")} |"));
        }
    }

    // The process's CPU time: the step runs on the calling thread alone (one thread, no helpers), so it is that thread's.
    private static TimeSpan ThreadCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static (double Ms, float[] Parameters) Fit(CsrDataset data, int batch, int threads)
    {
        var model = new LinearModel(data.FeatureCount);
        var settings = new GradientDescentSettings { BatchSize = batch, NumberOfEpochs = Epochs, Tolerance = 0, NumberOfThreads = threads, Seed = 3, ValidationFraction = 0 };
        var clock = Stopwatch.StartNew();
        new GradientDescentLoop(settings).Run(data, model);
        return (clock.Elapsed.TotalMilliseconds / Epochs, model.Parameters);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    // Distinct random columns a row, ones, a label that sums a fixed effect of each column plus noise (the hashed case's shape).
    private static CsrDataset Rows(int rows, int width, int nonzeros, int seed)
    {
        var random = new Random(seed);
        var effect = new float[width];
        for (int j = 0; j < width; j++)
            effect[j] = (float)(random.NextDouble() * 2 - 1);
        var starts = new int[rows + 1];
        var indices = new int[rows * nonzeros];
        var values = new float[rows * nonzeros];
        var labels = new float[rows];
        var row = new SortedSet<int>();
        for (int i = 0; i < rows; i++)
        {
            row.Clear();
            while (row.Count < nonzeros)
                row.Add(random.Next(width));
            int k = i * nonzeros;
            double y = random.NextDouble() - 0.5;
            foreach (int j in row)
            {
                indices[k] = j;
                values[k++] = 1;
                y += effect[j];
            }
            starts[i + 1] = k;
            labels[i] = (float)y;
        }
        return new CsrDataset(starts, indices, values, labels, width);
    }
}
