using System.Runtime.CompilerServices;
using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>A cached fit that trains on an in-memory <see cref="IDataView"/> in place — one sequential cursor pass per epoch, rows
/// shuffled inside blocks (<see cref="PassBatches"/>) — instead of copying its rows, and the rule that chooses it.</summary>
/// <remarks>
/// <para>Why: on a pipeline that ends in ML.NET's cache (<c>ml.Data.Cache</c>, <c>AppendCacheCheckpoint</c>) the rows are already in
/// memory, and a cursor pass over them costs a few memory passes, while a copy costs fresh memory — slow to touch the first time —
/// at every fit. A default dense fit reads the data about three times (a sample pass and two epochs).</para>
/// <para>The rule (<see cref="GradientDescentRegressionTrainer.Options.TrainInPlace"/> = null): in place when the source is ML.NET's
/// in-memory cache itself (<see cref="IsMlNetCache"/>; not a file loader, whose every pass reads and decodes the file again, nor a
/// transform that recomputes its columns on every pass; a cache not yet filled is filled by a counting pass), the rows are dense
/// (sparse fits anneal through 20-odd epochs, where the copy's faster epochs win: Zipf one-hot, 1M rows, 2.1 s in place against
/// 1.4 s copied, in place holding 140 MiB less), the fit is likely short (<see cref="ExpectsFewEpochs"/>), the copy would take at
/// least <see cref="MinimumBytes"/> (a smaller copy costs less than it saves), no validation rows are held out and no rows are
/// skipped — and the rows are in no particular order
/// (<see cref="RowOrder"/>): a block-sized shuffle pool cannot mix data sorted by its label, which the copy's full shuffle can. The
/// rule reads only the data, never the clock, so the same data and seed give the same model every time.</para>
/// <para>Passes: the first 1024 rows decide dense or CSR (as the copying reader does); one pass reads an evenly spaced sample of at
/// most 16384 rows (moving the cursor over the others without reading them) for the order test, the standardization of dense
/// rows and the automatic rate; CSR rows add a pass summing every column (standardization) and one for the largest row (rate).
/// Every value is checked as it is read; the error names the source's row, as the copying reader's does.</para>
/// </remarks>
internal static class InPlaceGradientDescent
{
    /// <summary>The smallest copy (bytes) worth avoiding: below it the copy, and its full shuffle, cost less than the passes save.</summary>
    public const long MinimumBytes = 64L << 20;

    /// <summary>Trains <paramref name="model"/> in place when the options ask for it or the rule chooses it; returns
    /// <see langword="null"/>, having trained nothing, when the rows should be copied instead.</summary>
    public static TrainingHistory? TryRun(IDataView data, GradientDescentRegressionTrainer.Options options, LinearModel model, CancellationToken token)
    {
        bool? wanted = options.TrainInPlace;
        if (wanted == false)
            return null;
        var (label, features, d) = DataViewReader.FindColumns(data.Schema, options.LabelColumnName, options.FeatureColumnName);
        long? count = data.GetRowCount();
        if (wanted is null && (!IsMlNetCache(data) || options.ValidationFraction > 0 || options.SkipNonFiniteRows || !ExpectsFewEpochs(options)))
            return null;
        count ??= DataViewReader.CountRows(data, token); // a cache not filled yet is filled by this pass
        if (count == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        if (count > Array.MaxLength)
            throw new ArgumentException($"{count} rows exceed the largest array .NET can hold ({Array.MaxLength}); stream them (CacheData = false).", nameof(data));
        if (d != model.FeatureCount)
            throw new ArgumentException($"The model has {model.FeatureCount} features but the data has {d}.", nameof(model));
        double density = DataViewReader.ProbeDensity(data, features, d);
        bool sparse = density < DataViewReader.SparseDensityThreshold;
        long bytesPerRow = sparse ? 8 * (long)Math.Ceiling(density * d) + 12 : 4L * d + 4;
        if (wanted is null && (sparse || bytesPerRow * count < MinimumBytes))
            return null; // sparse fits run many epochs (20-odd on Zipf one-hot data), where the copy's faster epochs win

        int n = (int)count.Value;
        using var pass = new DataViewRowPass(data, label, features, n);
        var sample = Sample(pass, sparse, d, n, token);
        bool ordered = RowOrder.IsOrdered(sample, sample.RowCount);
        if (wanted is null && ordered)
            return null;
        FeatureStandardization? standardization = null;
        double? largestRow = null;
        if (sparse)
        {
            if (options.StandardizeFeatures)
            {
                var sums = new FeatureStandardization.SparseAccumulator(d);
                ForEachBlock(pass, d, token, rows =>
                {
                    for (int i = 0; i < rows.RowCount; i++)
                        sums.Add(rows.Indices[rows.RowStarts[i]..rows.RowEnds[i]], rows.Values[rows.RowStarts[i]..rows.RowEnds[i]]);
                    return 0;
                });
                standardization = sums.ToStandardization();
            }
            largestRow = ForEachBlock(pass, d, token, rows => CurvatureEstimator.LargestRowNorm(rows, standardization));
        }
        using var batches = new PassBatches(pass, d, sparse, bytesPerRow, options.BatchSize, options.Shuffle, options.Seed);
        var session = TrainingSession.Start(options, sample, sample.RowCount, batches.SmallestBatch, model, optimizer: null, standardization, largestRow);
        TrainingHistory history;
        try
        {
            history = GradientDescentLoop.Run(session, batches, token);
        }
        catch (TrainingDivergedException diverged) when (ordered && sample.RowCount >= RowOrder.MinimumRows)
        {
            var (statistic, f) = RowOrder.MostOrdered(sample, sample.RowCount);
            throw diverged.WithCause(
                $"TrainInPlace = true reads the rows in their own order, and they are ordered: {statistic} changes along the data " +
                $"(F = {f:G3} over {RowOrder.Groups} stretches of rows; about 1 in random order), so a batch holds rows alike, whose " +
                "curvature no rate chosen from all the rows bounds. Leave TrainInPlace unset (ordered data is then copied and shuffled), " +
                "or shuffle the data first (ml.Data.ShuffleRows).");
        }
        history.RowSource = RowSource.InPlace;
        return history;
    }

    /// <summary>Returns whether <paramref name="data"/> is ML.NET's in-memory cache itself (<c>ml.Data.Cache</c>, or the input a
    /// pipeline's <c>AppendCacheCheckpoint</c> hands the trainer), whose passes cost about a memory pass.</summary>
    /// <remarks>ML.NET says so nowhere public: <see cref="IDataView.CanShuffle"/> is also true of a binary .idv file (whose every pass
    /// decompresses the file again: 0.64 s an epoch for 1M × 64 rows against 0.02 s from memory) and of transforms that recompute
    /// their columns on every pass. The cache's class is internal, so its name is the test; were it renamed, fits would copy, as
    /// before, and <c>InPlaceTrainingTests</c> would fail.</remarks>
    internal static bool IsMlNetCache(IDataView data) => data.GetType().FullName == "Microsoft.ML.Data.CacheDataView";

    /// <summary>The most epochs a fit may be told to run (with <see cref="GradientDescentSettings.Tolerance"/> = 0) and still be
    /// read in place: each in-place epoch costs a cursor pass more than a copied one, the copy costs about three such passes warm
    /// and ten or more in a fresh process (first touches).</summary>
    public const int MaxFixedEpochs = 8;

    /// <summary>Returns whether the options make a short fit likely: plain SGD that stops at convergence (a default dense fit takes
    /// 2 epochs), or a fixed run of at most <see cref="MaxFixedEpochs"/> epochs. Momentum, Nesterov and Adam fits ran 93–100 epochs
    /// on the NoGuessing data, where the copy's faster epochs win.</summary>
    internal static bool ExpectsFewEpochs(GradientDescentSettings options) =>
        options.Tolerance > 0 ? options.Optimizer == OptimizerKind.Sgd : options.NumberOfEpochs <= MaxFixedEpochs;

    /// <summary>One pass that reads only an evenly spaced sample of the rows (at most 16384, and at most 64 MB of dense values), in
    /// the data's order, and moves the cursor over the rest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TrainingRows Sample(DataViewRowPass pass, bool sparse, int d, int n, CancellationToken token)
    {
        int m = sparse ? Math.Min(n, CurvatureEstimator.MaxSampleRows) : StreamingGradientDescent.BoundedRows(Math.Min(n, CurvatureEstimator.MaxSampleRows), d);
        var buffer = new RowBlockBuffer(d, sparse, m, sparse ? m * 16 : m * d);
        buffer.Begin(m);
        pass.Restart();
        int k = 0;
        for (long row = 0; k < m; row++)
        {
            if ((row & 4095) == 0)
                token.ThrowIfCancellationRequested();
            if (!pass.Skip())
                throw new InvalidOperationException($"The data reported {n} rows but a pass returned {row}.");
            if (row != EvenSample.Row(k, m, n))
                continue;
            pass.Read(out float y, out var indices, out var values);
            buffer.Put(k++, y, indices, values);
        }
        return buffer.ToRows();
    }

    private delegate double BlockFunction(RowBlock rows);

    /// <summary>One pass over every row, in blocks of 4096 rows; returns the largest value <paramref name="function"/> returned.</summary>
    private static double ForEachBlock(DataViewRowPass pass, int d, CancellationToken token, BlockFunction function)
    {
        const int BlockRows = 4096;
        var buffer = new RowBlockBuffer(d, sparse: true, BlockRows, BlockRows * 16);
        double largest = 0;
        pass.Restart();
        for (long start = 0; start < pass.RowCount; start += BlockRows)
        {
            token.ThrowIfCancellationRequested();
            int rows = (int)Math.Min(BlockRows, pass.RowCount - start);
            buffer.Begin(rows);
            for (int i = 0; i < rows; i++)
            {
                if (!pass.Next(out float y, out var indices, out var values))
                    throw new InvalidOperationException($"The data reported {pass.RowCount} rows but a pass returned {start + i}.");
                buffer.Put(i, y, indices, values);
            }
            largest = Math.Max(largest, function(buffer.View()));
        }
        return largest;
    }
}
