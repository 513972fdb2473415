using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Streaming;

/// <summary>One configuration (file, streamed or cached) measured in its own process, so the peak working set is its own.</summary>
internal static class ChildRun
{
    /// <summary>Parent side: runs one configuration in a child process and reads its result.</summary>
    public static ChildResult Start(string file, bool streamed, int epochs, int rows) =>
        ChildProcess.Run<ChildResult>(["child", file, streamed ? "streamed" : "cached", epochs.ToString()], $"{(streamed ? "streamed" : "cached")}, {rows} rows");

    /// <summary>Child side: one fit with a fixed number of epochs, then prints the measurements as one JSON line.</summary>
    public static int Run(string file, bool streamed, int epochs)
    {
        long peakHeap = 0;
        using var sampler = new Timer(_ => InterlockedMax(ref peakHeap, GC.GetTotalMemory(false)), null, 0, 10);

        var ml = new MLContext(1);
        var data = ml.Data.LoadFromBinary(file);
        var clock = new Stopwatch();
        var epochEnds = new List<double>(epochs);
        var costs = new List<double>(epochs);
        var options = new GradientDescentRegressionTrainer.Options
        {
            RowSource = streamed ? RowSource.CacheFile : RowSource.Copy,
            NumberOfEpochs = epochs,
            Tolerance = 0,
            Seed = 1,
            EpochCompleted = record =>
            {
                epochEnds.Add(clock.Elapsed.TotalSeconds);
                costs.Add(record.TrainingCost);
            },
        };
        var trainer = new GradientDescentRegressionTrainer(options);
        clock.Start();
        trainer.Fit(data);
        double total = clock.Elapsed.TotalSeconds;
        InterlockedMax(ref peakHeap, GC.GetTotalMemory(false));

        double epochSeconds = (epochEnds[^1] - epochEnds[0]) / (epochEnds.Count - 1);
        long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64; // the fit's, before the reference cursor pass below
        double cursorSeconds = streamed ? CursorPass.Time(data, options.LabelColumnName, options.FeatureColumnName, new Random(1)) : double.NaN;
        var result = new ChildResult(
            Rows: data.GetRowCount() ?? -1,
            Mode: streamed ? "streamed" : "cached",
            PeakWorkingSetBytes: peakWorkingSet,
            PeakGcHeapBytes: Interlocked.Read(ref peakHeap),
            EpochSeconds: epochSeconds,
            BeforeFirstEpochSeconds: epochEnds[0] - epochSeconds,
            TotalSeconds: total,
            LearningRate: trainer.LastHistory!.LearningRate,
            FirstCost: costs[0],
            FinalCost: costs[^1],
            CursorPassSeconds: cursorSeconds);
        ChildProcess.Report(result);
        return 0;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
