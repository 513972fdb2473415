using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>The rows of one fit from an <see cref="IDataView"/>, opened the way <see cref="GradientDescentRegressionTrainer.Options.RowSource"/>
/// asks: every source is an <see cref="IBatchSource"/> fed by the one checked reader (<see cref="DataViewRowPass"/>), and the fit
/// then runs the one setup (<see cref="GradientDescentLoop.Fit"/>).</summary>
internal sealed class FitRows : IDisposable
{
    private readonly IDisposable[] _owned;

    private FitRows(IBatchSource source, RowSourceInfo info, Survey? survey, string? orderCause, params IDisposable[] owned)
    {
        Source = source;
        Info = info;
        Survey = survey;
        OrderCause = orderCause;
        _owned = owned;
    }

    /// <summary>Gets the batches.</summary>
    public IBatchSource Source { get; }

    /// <summary>Gets where the rows come from, for the history.</summary>
    public RowSourceInfo Info { get; }

    /// <summary>Gets the survey when opening the rows took it already (in place: the order test; a reused cache file: its checksums).</summary>
    public Survey? Survey { get; }

    /// <summary>Gets, for rows read in place although they are ordered, what to tell a user whose fit then diverges.</summary>
    public string? OrderCause { get; }

    /// <summary>Opens the rows of <paramref name="data"/> for a fit with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">There are no rows, or a row fails <see cref="RowCheck"/> (the message names it).</exception>
    /// <exception cref="IOException">The cache file cannot be written or read (the message names it).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static FitRows Open(IDataView data, DataViewColumns columns, GradientDescentRegressionTrainer.Options options, CancellationToken token)
    {
        switch (options.RowSource)
        {
            case RowSource.CacheFile:
                return CacheFileRows.Open(data, columns, options, token);
            case RowSource.InPlace:
                return InPlace(data, columns, options, forced: true, token, out _)!;
            case RowSource.Auto when options.CacheFilePath is not null:
                return CacheFileRows.Open(data, columns, options, token);
            case RowSource.Auto when InPlaceRule.MayApply(data, options):
                return InPlace(data, columns, options, forced: false, token, out var probed) ?? Copy(data, columns, options, probed, token);
            default:
                return Copy(data, columns, options, null, token);
        }
    }

    /// <summary>Wraps a source opened elsewhere (a cache file).</summary>
    internal static FitRows Of(IBatchSource source, RowSourceInfo info, Survey? survey, params IDisposable[] owned) => new(source, info, survey, null, owned);

    public void Dispose()
    {
        foreach (var owned in _owned)
            owned.Dispose(); // in order: the source before the file or cursor under it
    }

    // A copy in memory (CachedBatches.ForCopy: shuffled once with the seed, held-out rows split off with that shuffle).
    private static FitRows Copy(IDataView data, DataViewColumns columns, GradientDescentRegressionTrainer.Options options,
        (bool, double)? storage, CancellationToken token)
    {
        var rows = DataViewReader.ReadRows(data, columns, options.SkipNonFiniteRows, storage, out long skipped, token);
        return new FitRows(CachedBatches.ForCopy(rows, options, token), new RowSourceInfo(RowSource.Copy, skipped), null, null);
    }

    // The caller's in-memory data read in place, one cursor pass per epoch; null where the rule declines (never when forced), with
    // the storage its probe found, so that the copy does not probe the leading rows again.
    private static FitRows? InPlace(IDataView data, DataViewColumns columns, GradientDescentRegressionTrainer.Options options, bool forced,
        CancellationToken token, out (bool, double)? probed)
    {
        probed = null;
        long count = data.GetRowCount() ?? DataViewReader.CountRows(data, token); // a cache not filled yet is filled by this pass
        if (count == 0)
            throw new ArgumentException("The training data has no rows.", "data");
        if (count > Array.MaxLength)
            throw new ArgumentException($"{count} rows exceed the largest array .NET can hold ({Array.MaxLength}); train from a cache file (RowSource = CacheFile).", "data");
        var pass = new DataViewRowPass(data, columns, count);
        DataViewRowPass? second = null;
        PassBatches? source = null;
        try
        {
            var (sparse, density) = RowStorage.Probe(pass);
            probed = (sparse, density);
            int d = columns.FeatureCount;
            long bytesPerRow = sparse ? 8 * (long)Math.Ceiling(density * d) + 12 : 4L * d + 4;
            long bytes = bytesPerRow * count;
            if (!forced && !InPlaceRule.WorthIt(sparse, wide: true, bytes))
            {
                pass.Dispose();
                return null;
            }
            // Sparse rows are worth reading in place only when wide: a default fit that holds rows out (a pass for the columns used).
            var holdOut = HoldOut.Decide(options, pass, sparse, token);
            if (!forced && !InPlaceRule.WorthIt(sparse, options.ValidationFraction is null && holdOut.IsActive, bytes))
            {
                pass.Dispose();
                return null;
            }
            holdOut.CheckLeavesTrainingRows(count);
            IRowPass rows = holdOut.IsActive ? new HoldOutPass(pass, holdOut, sparse, density) : pass;
            // A second cursor over the same rows, for a second thread reading the survey's sample and the blocks, unless rows are held
            // out (their pass splits them off as it goes).
            second = holdOut.IsActive ? null : new DataViewRowPass(data, columns, count);
            source = new PassBatches(rows, d, sparse, bytesPerRow, options.BatchSize, options.Shuffle, options.Seed, secondPass: second);
            var survey = Survey.Take(rows, sparse, options.StandardizeFeatures, token, second);
            bool ordered = RowOrder.IsOrdered(survey.Sample, survey.Sample.RowCount);
            if (!forced && ordered)
            {
                DisposeAll(source, second, pass);
                return null;
            }
            string? cause = null;
            if (ordered && survey.Sample.RowCount >= RowOrder.MinimumRows)
            {
                var (statistic, f) = RowOrder.MostOrdered(survey.Sample, survey.Sample.RowCount);
                cause = $"RowSource = InPlace reads the rows in their own order, and they are ordered: {statistic} changes along the data " +
                    $"(F = {f:G3} over {RowOrder.Groups} stretches of rows; about 1 in random order), so a batch holds rows alike, whose " +
                    "curvature no rate chosen from all the rows bounds. Leave RowSource = Auto (ordered data is then copied and shuffled), " +
                    "or shuffle the data first (ml.Data.ShuffleRows).";
            }
            return new FitRows(source, new RowSourceInfo(RowSource.InPlace), survey, cause, second is null ? [source, pass] : [source, second, pass]);
        }
        catch
        {
            DisposeAll(source, second, pass);
            throw;
        }
    }

    // The source before the passes under it.
    private static void DisposeAll(PassBatches? source, DataViewRowPass? second, DataViewRowPass pass)
    {
        source?.Dispose();
        second?.Dispose();
        pass.Dispose();
    }
}
