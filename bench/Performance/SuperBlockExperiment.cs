using System.Diagnostics;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench;

/// <summary>A bench-only epoch loop over <see cref="TrainingSession"/>: super-blocks of consecutive batches in a random order, the
/// batches inside each in order. It measures what a coarser shuffle would save at small batch sizes; the library's loop is unchanged.</summary>
public static class SuperBlockExperiment
{
    /// <summary>Measures the median epoch time for each batch size with super-blocks of <paramref name="superBlockBytes"/>.</summary>
    public static void Run(DenseDataset data, double floorMs, int epochs, int superBlockBytes, Report report)
    {
        var rows = new List<string[]>();
        int n = data.RowCount, d = data.FeatureCount;
        foreach (int batch in new[] { 32, 256 })
        {
            int batchesPerBlock = Math.Max(1, superBlockBytes / (batch * d * sizeof(float)));
            int blockRows = batch * batchesPerBlock;
            var order = new int[(n + blockRows - 1) / blockRows];
            float rate = CurvatureEstimator.SuggestLearningRate(data, batch);
            var settings = new GradientDescentSettings { LearningRate = rate, BatchSize = batch, NumberOfEpochs = epochs, Tolerance = 0, NumberOfThreads = 1 };
            var session = new TrainingSession(settings, new LinearModel(d), rate, false, () => rate);
            var perEpoch = new List<double>();
            do
            {
                long start = Stopwatch.GetTimestamp();
                new SplitMix64(settings.Seed, (ulong)session.Epoch).Permutation(order);
                foreach (int block in order)
                {
                    int end = Math.Min(n, (block + 1) * blockRows);
                    for (int first = block * blockRows; first < end; first += batch)
                    {
                        int count = Math.Min(batch, end - first);
                        session.TrainBatch(data.Features.AsSpan(first * d, count * d), data.Labels.AsSpan(first, count));
                    }
                }
                perEpoch.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            while (!session.EndEpoch());
            double median = SideBySide.Median(perEpoch);
            rows.Add([batch.ToString(), $"{blockRows} rows ({blockRows * d * 4 / 1024} KB)", SideBySide.F(median), SideBySide.F(perEpoch.Min()), SideBySide.F(median / floorMs)]);
        }
        report.Section("Experiment (bench-only loop, not the library's): random super-blocks, batches in order inside");
        report.Table(["batch", "super-block", $"median epoch ms ({epochs} epochs)", "best epoch ms", "ratio to floor (median)"], rows);
    }
}
