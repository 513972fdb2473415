using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Streaming;

/// <summary>Child side of the <c>inplace</c> mode: one trainer's default fit on a cached IDataView in a fresh process, three times.</summary>
/// <remarks>The rows are generated, handed to ML.NET through <c>LoadFromEnumerable</c> and <c>ml.Data.Cache</c> (filled by one full
/// cursor pass), as in <c>bench/Performance/BenchData.cs</c>. The generated arrays stay alive to the end and nothing collects the
/// garbage before the first fit, so what that fit allocates is fresh memory, as in a user's fresh process (first touches are slow on
/// this VM). The least-squares optimum is solved only after the fits: it is a reference, not part of the measurement.</remarks>
internal static class InPlaceChild
{
    /// <summary>The rows after the training rows, drawn with the same true weights, on which every model is scored.</summary>
    public const int HeldOutRows = 10_000;

    private const int FitCount = 3;

    /// <summary>The configurations, by the name the parent passes: ML.NET's two trainers and gradient descent (automatic, copy, in place).</summary>
    public static readonly string[] Configurations = ["ogd", "sdca", "gd", "gd-copy", "gd-inplace"];

    /// <summary>Generates the data, times the fits and returns the measurements.</summary>
    public static InPlaceResult Run(string configuration, int rows, int features, bool ordered)
    {
        var setup = Stopwatch.StartNew();
        var all = SyntheticRegression.Generate(rows + HeldOutRows, features, seed: 42, noise: 0.5f);
        var heldOut = new DenseDataset(all.Features.AsSpan(rows * features).ToArray(), all.Labels.AsSpan(rows).ToArray(), features);
        if (ordered)
            SortByLabel(all.Features, all.Labels, rows, features);
        var ml = new MLContext(seed: 1);
        var cached = CachedView(ml, all.Features, all.Labels, rows, features);
        var (fit, history) = Trainer(ml, configuration);
        double setupSeconds = setup.Elapsed.TotalSeconds;

        using var self = Process.GetCurrentProcess();
        long peakBeforeFit = self.PeakWorkingSet64;
        bool peakReset = TryResetPeakWorkingSet();
        self.Refresh();
        long before = self.WorkingSet64;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long after = 0, peakAfterFirst = 0, allocated = 0;
        var seconds = new double[FitCount];
        var models = new (float[] Weights, float Bias)[FitCount];
        var rowSources = new string[FitCount];
        var epochs = new int[FitCount];
        for (int k = 0; k < FitCount; k++)
        {
            var clock = Stopwatch.StartNew();
            var model = fit(cached);
            seconds[k] = clock.Elapsed.TotalSeconds;
            if (k == 0)
            {
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                self.Refresh();
                (after, peakAfterFirst) = (self.WorkingSet64, self.PeakWorkingSet64);
            }
            models[k] = (model.Model.Weights.ToArray(), model.Model.Bias);
            if (history() is TrainingHistory h)
                (rowSources[k], epochs[k]) = (h.RowSource.ToString(), h.EpochCount);
        }
        self.Refresh();
        long peakAllFits = Math.Max(peakBeforeFit, self.PeakWorkingSet64);

        var trainFeatures = all.Features.AsSpan(0, rows * features).ToArray();
        var trainLabels = all.Labels.AsSpan(0, rows).ToArray();
        var (optimumWeights, optimumBias, reason) = LeastSquaresSolver.Solve(new DenseDataset(trainFeatures, trainLabels, features));
        if (optimumWeights is null)
            throw new InvalidOperationException($"The least-squares optimum could not be solved: {reason}");
        double optimumMse = LeastSquaresSolver.MeanSquaredError(heldOut, optimumWeights, optimumBias);
        var mse = models.Select(m => LeastSquaresSolver.MeanSquaredError(heldOut, Array.ConvertAll(m.Weights, w => (double)w), m.Bias)).ToArray();
        GC.KeepAlive(all);

        bool isGradientDescent = history() is not null;
        return new InPlaceResult(configuration, rows, features, ordered, setupSeconds, seconds, mse, optimumMse,
            isGradientDescent ? rowSources : null, isGradientDescent ? epochs : null, Math.Max(peakBeforeFit, peakAfterFirst), peakAllFits, before, after - before,
            peakReset ? peakAfterFirst - before : -1, allocated);
    }

    /// <summary>The configuration's fit, and a way to read the last fit's history (null for ML.NET's trainers).</summary>
    private static (Func<IDataView, RegressionPredictionTransformer<LinearRegressionModelParameters>> Fit, Func<TrainingHistory?> History) Trainer(
        MLContext ml, string configuration)
    {
        switch (configuration)
        {
            case "ogd":
                var ogd = ml.Regression.Trainers.OnlineGradientDescent();
                return (data => ogd.Fit(data), () => null);
            case "sdca":
                var sdca = ml.Regression.Trainers.Sdca();
                return (data => sdca.Fit(data), () => null);
            case "gd" or "gd-copy" or "gd-inplace":
                var options = new GradientDescentRegressionTrainer.Options
                {
                    RowSource = configuration switch { "gd-copy" => RowSource.Copy, "gd-inplace" => RowSource.InPlace, _ => RowSource.Auto },
                };
                var gd = new GradientDescentRegressionTrainer(options);
                return (data => gd.Fit(data), () => gd.LastHistory);
            default:
                throw new ArgumentException($"Unknown configuration '{configuration}'. Allowed: {string.Join(", ", Configurations)}.", nameof(configuration));
        }
    }

    /// <summary>The first <paramref name="rows"/> rows as an IDataView cached by ML.NET, the cache filled by one pass.</summary>
    private static IDataView CachedView(MLContext ml, float[] x, float[] y, int rows, int d)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var cached = ml.Data.Cache(ml.Data.LoadFromEnumerable(Enumerate(x, y, rows, d), definition));
        using (var cursor = cached.GetRowCursor(cached.Schema))
            while (cursor.MoveNext())
            {
            }
        return cached;
    }

    private static IEnumerable<Row> Enumerate(float[] x, float[] y, int rows, int d)
    {
        for (int i = 0; i < rows; i++)
            yield return new Row { Label = y[i], Features = x.AsSpan(i * d, d).ToArray() };
    }

    /// <summary>Sorts the first <paramref name="rows"/> rows by label in place (cycles of the permutation, one row of scratch),
    /// so no large array is left as garbage for the fit to reuse.</summary>
    private static void SortByLabel(float[] x, float[] y, int rows, int d)
    {
        var keys = y.AsSpan(0, rows).ToArray();
        var order = new int[rows];
        for (int i = 0; i < rows; i++)
            order[i] = i;
        Array.Sort(keys, order);
        keys.CopyTo(y, 0);
        var done = new bool[rows];
        var saved = new float[d];
        for (int start = 0; start < rows; start++)
        {
            if (done[start])
                continue;
            x.AsSpan(start * d, d).CopyTo(saved);
            int i = start;
            while (order[i] != start)
            {
                x.AsSpan(order[i] * d, d).CopyTo(x.AsSpan(i * d, d));
                done[i] = true;
                i = order[i];
            }
            saved.CopyTo(x.AsSpan(i * d, d));
            done[i] = true;
        }
    }

    /// <summary>Resets the peak working set (VmHWM) on Linux, so the peak after the first fit is that fit's.</summary>
    private static bool TryResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private sealed class Row
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
