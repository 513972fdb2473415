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
