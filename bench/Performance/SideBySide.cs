using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Comparison;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench;

/// <summary>The side-by-side measurements, all in one process on the same cached data: memory floor, data in, epoch times,
/// time to accuracy and the cost of each fit for GradientDescent, SDCA and OnlineGradientDescent.</summary>
public sealed class SideBySide(MLContext ml, BenchData data, Report report)
{
    private double _floorMs;
    private double _optimumMse;

    /// <summary>Runs every measurement on the data.</summary>
    public void Run(int epochs)
    {
        var dense = DataIn();
        MemoryFloor(dense);
        EpochTimes(dense, epochs);
        SuperBlockExperiment.Run(dense, _floorMs, epochs, superBlockBytes: 256 * 1024, report);
        ParallelThreshold(dense);
        Optimum(dense);
        dense = null;
        TimeToAccuracy();
    }

    private DenseDataset DataIn()
    {
        report.Section("Getting data in (5)");
        var times = new List<double>();
        var cursorTimes = new List<double>();
        DenseDataset? dense = null;
        for (int k = 0; k < 3; k++)
        {
            cursorTimes.Add(Time(() => CursorPass(data.CachedTrain)));
            dense = null;
            GC.Collect();
            times.Add(Time(() => dense = DataViewReader.Read(data.CachedTrain, "Label", "Features")));
        }
        double read = Median(times), cursor = Median(cursorTimes);
        report.Table(["what", "median ms (3 runs)", "rows/s", "ratio to bare cursor pass"],
            [["bare cursor pass over the cached IDataView (label + features getters, no copy)", F(cursor), Rate(cursor), "1.00"],
             ["DataViewReader.Read: cached IDataView -> DenseDataset", F(read), Rate(read), F(read / cursor)]]);
        return dense!;
    }

    private void MemoryFloor(DenseDataset dense)
    {
        report.Section("Memory floor (1)");
        float sink = 0;
        var times = new List<double>();
        for (int k = 0; k < 11; k++)
            times.Add(Time(() => sink += TensorPrimitives.Sum<float>(dense.Features)));
        _floorMs = Median(times);
        double gb = dense.Features.Length * 4.0 / 1e9;
        report.Line($"One TensorPrimitives.Sum pass over the {dense.RowCount:N0} x {dense.FeatureCount} float matrix ({gb * 1000:F0} MB): " +
            $"median {F(_floorMs)} ms of 11 ({gb / (_floorMs / 1000):F1} GB/s). (checksum {sink:G3})");
    }

    private void EpochTimes(DenseDataset dense, int epochs)
    {
        report.Section("Epoch time (2), ratio to the memory floor");
        var rows = new List<string[]>();
        foreach (var (batch, threads, shuffle) in new[] { (32, 1, true), (32, 1, false), (256, 1, true), (256, 0, true), (256, 1, false),
            (4096, 1, true), (4096, 0, true), (65536, 1, true), (65536, 0, true) })
        {
            float rate = CurvatureEstimator.SuggestLearningRate(dense, batch);
            var stamps = new List<long>();
            var settings = new GradientDescentSettings
            {
                LearningRate = rate, BatchSize = batch, NumberOfEpochs = epochs, Tolerance = 0, NumberOfThreads = threads, Shuffle = shuffle,
                EpochCompleted = _ => stamps.Add(Stopwatch.GetTimestamp()),
            };
            var model = new LinearModel(dense.FeatureCount);
            long start = Stopwatch.GetTimestamp();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            new GradientDescentLoop(settings).Run(dense, model);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var perEpoch = new List<double>();
            long previous = start;
            foreach (long stamp in stamps)
            {
                perEpoch.Add(Stopwatch.GetElapsedTime(previous, stamp).TotalMilliseconds);
                previous = stamp;
            }
            double median = Median(perEpoch);
            rows.Add([batch.ToString(), threads == 0 ? $"all ({Environment.ProcessorCount})" : "1", shuffle ? "random" : "in order", F(median), F(perEpoch.Min()),
                F(median / _floorMs), $"{allocated:N0}"]);
        }
        report.Table(["batch", "threads", "block order", $"median epoch ms ({epochs} epochs)", "best epoch ms", "ratio to floor (median)", "bytes allocated per fit"], rows);
    }

    private void ParallelThreshold(DenseDataset dense)
    {
        report.Section("Parallel gradient: threshold (BatchGradient.Compute alone, consecutive batches over the whole matrix)");
        int d = dense.FeatureCount;
        var parameters = new float[d + 1];
        var gradient = new float[d + 1];
        var rows = new List<string[]>();
        foreach (int batch in new[] { 512, 1024, 2048, 4096, 16384, 65536 })
        {
            var cells = new List<string> { batch.ToString() };
            double single = 0;
            foreach (int threads in new[] { 1, 2 })
            {
                var gradientKernel = new BatchGradient(d + 1, threads, minParallelRows: 0);
                int batches = dense.RowCount / batch;
                var times = new List<double>();
                long allocated = 0;
                for (int repeat = 0; repeat < 5; repeat++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    times.Add(Time(() =>
                    {
                        for (int k = 0; k < batches; k++)
                            gradientKernel.Compute(parameters, dense.Features.AsSpan(k * batch * d, batch * d), dense.Labels.AsSpan(k * batch, batch), gradient);
                    }) * 1000 / batches);
                    allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                }
                double us = Median(times);
                if (threads == 1)
                    single = us;
                cells.Add(F(us));
                if (threads == 2)
                {
                    cells.Add(F(single / us));
                    cells.Add($"{100.0 * gradientKernel.ChunksByHelpers / (5L * batches * ((batch + BatchGradient.ChunkRows - 1) / BatchGradient.ChunkRows)):F0}%");
                    cells.Add($"{allocated:N0}");
                }
            }
            rows.Add([.. cells]);
        }
        report.Table(["batch rows", "1 thread µs/batch", "2 threads µs/batch", "speed-up", "chunks done by the helper", "bytes allocated, last repeat (calling thread)"], rows);
    }

    private void Optimum(DenseDataset dense)
    {
        report.Section("Exact optimum (LeastSquaresSolver, normal equations in double)");
        (double[]? Weights, double Bias, string? Reason) solution = default;
        double ms = Time(() => solution = LeastSquaresSolver.Solve(dense));
        if (solution.Weights is null)
            throw new InvalidOperationException(solution.Reason);
        _optimumMse = LeastSquaresSolver.MeanSquaredError(data.HeldOut, solution.Weights, solution.Bias);
        report.Line($"Held-out MSE of the least-squares optimum: {_optimumMse:G6} (solved in {F(ms)} ms; target = within 1%: <= {_optimumMse * 1.01:G6}).");
    }

    private void TimeToAccuracy()
    {
        report.Section("Time to accuracy (3) and cost of each fit (4), same cached IDataView, one run");
        double matrixMb = (double)data.Rows * data.Features * 4 / 1e6;
        var rows = new List<string[]>();
        double sdcaMs = double.NaN;

        DefaultFitBreakdown();
        var (toAccuracyMs, epochsNeeded, _, _) = GradientDescentTimeToAccuracy(GradientDescentSettings.DefaultBatchSize, stopWhenReached: false);
        var larger = new List<string[]>();
        foreach (int batch in new[] { 4096, 16384, 65536 })
        {
            var (ms, epochs, total, run) = GradientDescentTimeToAccuracy(batch, stopWhenReached: true);
            larger.Add([batch.ToString(), double.IsNaN(ms) ? $"not reached in {run} epochs ({F(total)} ms)" : $"{F(ms)} ms", epochs < 0 ? "" : epochs.ToString()]);
        }
        report.Section("Time to 1% for other batch sizes (automatic learning rate; read + shuffle + training, clock stopped while evaluating)");
        report.Table(["BatchSize", "time to within 1% of the optimum", "epochs"], larger);
        report.Section("Fits side by side");
        void Fit(string name, IEstimator<ITransformer> trainer, Func<ITransformer, (IReadOnlyList<float>, float)> weights, string? extra = null)
        {
            ITransformer? model = null;
            var m = MemoryProbe.Measure(() => model = trainer.Fit(data.CachedTrain));
            var (w, b) = weights(model!);
            double mse = data.HeldOutMse(w, b);
            double ms = m.Elapsed.TotalMilliseconds;
            if (name == "SDCA (default)")
                sdcaMs = ms;
            double gap = mse / _optimumMse - 1;
            rows.Add([name, F(ms), $"{gap * 100:F2}%", gap <= 0.01 ? "yes" : "no", extra ?? "",
                $"{m.PeakGcBytesAbove / 1e6:F0} ({m.PeakGcBytesAbove / 1e6 / matrixMb:F2}x)",
                $"{m.PeakWorkingSetAbove / 1e6:F0} ({m.PeakWorkingSetAbove / 1e6 / matrixMb:F2}x){(m.ExactWorkingSet ? "" : " sampled")}",
                $"{m.AllocatedBytes / 1e6:F0}"]);
        }

        static (IReadOnlyList<float>, float) Linear(ITransformer t) =>
            ((RegressionPredictionTransformer<LinearRegressionModelParameters>)t).Model is var r ? (r.Weights, r.Bias) : default;

        Fit("SDCA (default)", ml.Regression.Trainers.Sdca(), Linear);
        Fit("SDCA (NumberOfThreads = 1)", ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 }), Linear);
        Fit("OnlineGradientDescent (default)", ml.Regression.Trainers.OnlineGradientDescent(), Linear);
        var ours = ml.Regression.Trainers.GradientDescent();
        Fit("GradientDescent (default, whole fit)", ours, Linear,
            double.IsNaN(toAccuracyMs) ? "not reached" : $"{F(toAccuracyMs)} ms after {epochsNeeded} epoch(s)");
        rows[^1][0] += $" ({ours.LastHistory!.EpochCount} epochs, {ours.LastHistory.StopReason})";
        var wide = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { BatchSize = 16384 });
        Fit("GradientDescent (BatchSize = 16384, whole fit)", wide, Linear);
        rows[^1][0] += $" ({wide.LastHistory!.EpochCount} epochs, {wide.LastHistory.StopReason})";

        report.Table(["trainer", "fit ms (data in included)", "held-out MSE above optimum", "within 1%", "time to 1% (data in included)",
            $"peak GC heap above start, MB (x {matrixMb:F0} MB matrix)", "peak working set above start, MB (x matrix)", "allocated MB"], rows);
        double gdMs = double.Parse(rows[^2][1], System.Globalization.CultureInfo.InvariantCulture);
        double wideMs = double.Parse(rows[^1][1], System.Globalization.CultureInfo.InvariantCulture);
        report.Line($"Ratios to SDCA (default) fit time: GradientDescent whole default fit {F(gdMs / sdcaMs)}x; " +
            $"BatchSize = 16384 whole fit {F(wideMs / sdcaMs)}x; default time to 1% {(double.IsNaN(toAccuracyMs) ? "not reached" : F(toAccuracyMs / sdcaMs) + "x")}.");
    }

    /// <summary>The trainer's own path (read, shuffle, loop) with the clock stopped while the held-out MSE is computed after each
    /// epoch; the fit is cancelled once within 1% when <paramref name="stopWhenReached"/>.</summary>
    private (double Ms, int Epochs, double TotalMs, int TotalEpochs) GradientDescentTimeToAccuracy(int batchSize, bool stopWhenReached)
    {
        var clock = new Stopwatch();
        double reachedMs = double.NaN;
        int reachedEpoch = -1, epochs = 0;
        using var stop = new CancellationTokenSource();
        var settings = new GradientDescentRegressionTrainer.Options { BatchSize = batchSize };
        LinearModel? model = null;
        settings = settings with { EpochCompleted = record =>
        {
            clock.Stop();
            epochs = record.Epoch;
            if (reachedEpoch < 0 && data.HeldOutMse(model!.Weights.ToArray(), model.Bias) <= _optimumMse * 1.01)
            {
                reachedMs = clock.Elapsed.TotalMilliseconds;
                reachedEpoch = record.Epoch;
                if (stopWhenReached)
                    stop.Cancel();
            }
            clock.Start();
        } };
        GC.Collect();
        clock.Start();
        var dense = DataViewReader.Read(data.CachedTrain, settings.LabelColumnName, settings.FeatureColumnName);
        model = new LinearModel(dense.FeatureCount);
        dense.ShuffleRows(settings.Seed);
        try
        {
            new GradientDescentLoop(settings).Run(dense, model, cancellationToken: stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        clock.Stop();
        return (reachedMs, reachedEpoch, clock.Elapsed.TotalMilliseconds, epochs);
    }

    private void DefaultFitBreakdown()
    {
        report.Section("Where the default fit's time goes (median of 3; a GC before each read; one epoch at batch 256)");
        var read = new List<double>();
        var shuffle = new List<double>();
        DenseDataset? dense = null;
        for (int k = 0; k < 3; k++)
        {
            dense = null;
            GC.Collect();
            read.Add(Time(() => dense = DataViewReader.Read(data.CachedTrain, "Label", "Features")));
            shuffle.Add(Time(() => dense!.ShuffleRows(k)));
        }
        float rate = 0;
        double curvature = Time(() => rate = CurvatureEstimator.SuggestLearningRate(dense!, 256));
        var settings = new GradientDescentSettings { LearningRate = rate, NumberOfEpochs = 1, Tolerance = 0 };
        double epoch = Time(() => new GradientDescentLoop(settings).Run(dense!, new LinearModel(dense!.FeatureCount)));
        double r = Median(read), s = Median(shuffle);
        report.Table(["step", "ms", "ratio to memory floor"],
            [["DataViewReader.Read", F(r), F(r / _floorMs)], ["DenseDataset.ShuffleRows (seeded, once per fit)", F(s), F(s / _floorMs)],
             ["CurvatureEstimator (automatic learning rate)", F(curvature), F(curvature / _floorMs)], ["one epoch", F(epoch), F(epoch / _floorMs)]]);
        ShuffleComparison.Run(dense!, report);
    }

    private static void CursorPass(IDataView view)
    {
        var columns = new[] { view.Schema["Label"], view.Schema["Features"] };
        using var cursor = view.GetRowCursor(columns);
        var label = cursor.GetGetter<float>(columns[0]);
        var features = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(columns[1]);
        float y = 0;
        Microsoft.ML.Data.VBuffer<float> x = default;
        while (cursor.MoveNext())
        {
            label(ref y);
            features(ref x);
        }
    }

    private string Rate(double ms) => $"{data.Rows / (ms / 1000) / 1e6:F1} M";

    internal static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static string F(double value) => value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : "F2", System.Globalization.CultureInfo.InvariantCulture);
}
