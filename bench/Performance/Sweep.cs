using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench;

/// <summary>How the cost grows with n: data in, one epoch at the default batch, the whole default fit, and SDCA's default fit.</summary>
public static class Sweep
{
    /// <summary>Measures each size; <paramref name="largest"/> is reused for its own size instead of generating it again.</summary>
    public static void Run(MLContext ml, IReadOnlyList<int> sizes, BenchData largest, int features, int seed, Report report)
    {
        report.Section("Sweep: cost against n (d = " + features + ")");
        var rows = new List<string[]>();
        foreach (int n in sizes)
        {
            var data = n == largest.Rows ? largest : BenchData.Create(ml, n, heldOutRows: 1000, features, seed);
            var read = new List<double>();
            DenseDataset? dense = null;
            for (int k = 0; k < 3; k++)
            {
                dense = null;
                GC.Collect();
                read.Add(SideBySide.Time(() => dense = DataViewReader.Read(data.CachedTrain, "Label", "Features")));
            }

            int epochs = Math.Clamp(2_000_000 / n, 5, 100);
            var stamps = new List<long>();
            var settings = new GradientDescentSettings
            {
                LearningRate = CurvatureEstimator.SuggestLearningRate(dense!, 256), NumberOfEpochs = epochs, Tolerance = 0,
                EpochCompleted = _ => stamps.Add(System.Diagnostics.Stopwatch.GetTimestamp()),
            };
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            new GradientDescentLoop(settings).Run(dense!, new LinearModel(features));
            var perEpoch = new List<double>();
            for (int k = 0; k < stamps.Count; k++)
                perEpoch.Add(System.Diagnostics.Stopwatch.GetElapsedTime(k == 0 ? start : stamps[k - 1], stamps[k]).TotalMilliseconds);
            double epochMs = SideBySide.Median(perEpoch);

            var ours = ml.Regression.Trainers.GradientDescent();
            double fitMs = SideBySide.Median([SideBySide.Time(() => ours.Fit(data.CachedTrain)), SideBySide.Time(() => ours.Fit(data.CachedTrain))]);
            double sdcaMs = SideBySide.Time(() => ml.Regression.Trainers.Sdca().Fit(data.CachedTrain));
            double readMs = SideBySide.Median(read);
            rows.Add([n.ToString("N0"), SideBySide.F(readMs), SideBySide.F(readMs * 1e6 / n), SideBySide.F(epochMs), SideBySide.F(epochMs * 1e6 / n),
                SideBySide.F(fitMs), $"{ours.LastHistory!.EpochCount}", SideBySide.F(sdcaMs), SideBySide.F(fitMs / sdcaMs)]);
        }
        report.Table(["n", "data in ms", "data in ns/row", "epoch ms (batch 256)", "epoch ns/row", "default fit ms", "epochs run",
            "SDCA default fit ms", "fit ratio to SDCA"], rows);
    }
}
