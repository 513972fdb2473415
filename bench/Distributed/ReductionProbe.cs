using System.Diagnostics;
using MlNetGd.Cluster;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Distributed;

/// <summary>The coordinator's part of a round measured alone, in-process and warm: the reduction of k shards' iterates
/// (<see cref="RoundReduction"/>) and the session's decision on it (<see cref="TrainingSession.EndEpoch(in EpochOutcome, RowBlock)"/>),
/// so the figure is the code's and not the loaded machine's scheduling (the fits' own "reduction s" include both).</summary>
internal static class ReductionProbe
{
    private const int Rounds = 41;

    public static void Print(IEnumerable<int> ks)
    {
        Console.WriteLine($"coordinator per round, alone (median of {Rounds} warm rounds, 16,384-row sample): reduction + TrainingSession.EndEpoch, ms");
        Console.WriteLine("| d | k | tolerance 0 (the fits below) | tolerance 1e-4 (the default: the sample's MSE every round) |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (int d in new[] { 64, 65537 })
        {
            foreach (int k in ks)
                Console.WriteLine($"| {d:N0} | {k} | {Measure(d, k, 0):F3} | {Measure(d, k, 1e-4):F3} |");
        }
    }

    private static double Measure(int d, int k, double tolerance)
    {
        var sample = Sample(d, CurvatureEstimator.MaxSampleRows);
        var standardization = FeatureStandardization.Compute(sample, sample.RowCount);
        var survey = Survey.Create(sample, 1_000_000L * k, standardization, CurvatureEstimator.LargestRowNorm(sample, sample.RowCount, standardization));
        var settings = new GradientDescentSettings { Tolerance = tolerance, NumberOfEpochs = Rounds + 1 };
        TrainingSession Start() => TrainingSession.Start(settings, survey, 256, new LinearModel(d));
        var session = Start();
        var random = new Random(2);
        var results = Enumerable.Range(0, k).Select(_ =>
        {
            var theta = Enumerable.Range(0, d + 1).Select(_ => (float)random.NextDouble()).ToArray();
            return new RoundResult { Last = Vector.ToBytes(theta), Average = Vector.ToBytes(theta), CostSum = 1e6, Rows = 1_000_000, Steps = 3907, Diverged = false, Seconds = 0 };
        }).ToArray();
        var times = new List<double>();
        for (int round = 1; round <= Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var reduced = RoundReduction.Of(results, d + 1);
            session.EndEpoch(new EpochOutcome(reduced.Parameters, reduced.Average, reduced.Cost, reduced.Rows, reduced.Steps), RowBlock.Dense([], [], d));
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (session.IsFinished)
                session = Start(); // the same fake round every time: the stall rule may stop it; the next round is timed on a new session
        }
        return times.Skip(1).Order().ElementAt(Rounds / 2);
    }

    // Dense rows for a small d; one hashed one-hot level and one number a row (CSR) for a large one, as the bench's shards.
    private static TrainingRows Sample(int d, int rows)
    {
        var random = new Random(1);
        var labels = Enumerable.Range(0, rows).Select(_ => (float)random.NextDouble()).ToArray();
        if (d <= 1024)
            return new DenseDataset(Enumerable.Range(0, rows * d).Select(_ => (float)random.NextDouble()).ToArray(), labels, d);
        var starts = Enumerable.Range(0, rows + 1).Select(i => 2 * i).ToArray();
        var indices = new int[2 * rows];
        var values = new float[2 * rows];
        for (int i = 0; i < rows; i++)
        {
            int level = random.Next(d - 1); // below the number's column d − 1: the row's columns increase
            (indices[2 * i], values[2 * i]) = (level, 1);
            (indices[2 * i + 1], values[2 * i + 1]) = (d - 1, (float)random.NextDouble());
        }
        return new CsrDataset(starts, indices, values, labels, d);
    }
}
