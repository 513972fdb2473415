using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>Opens the rows of a fit from a cache file (<see cref="RowSource.CacheFile"/>): one pass over the source, through the one
/// checked reader, writes the file (<see cref="CacheFileWriter"/>: dense or CSR as <see cref="RowStorage"/> decides from the leading
/// rows, held until then, so a source that can be read only once is read once), and every epoch reads the file.</summary>
/// <remarks>
/// <para>The file is a temporary one, deleted when the fit ends however it ends, unless <c>CacheFilePath</c> names one to keep. A
/// named file that already exists, is whole and matches the data (feature count, storage, slot names and, when the source knows it,
/// the row count) is trained from without reading the source, as Vowpal Wabbit's <c>--cache_file</c> is; one that does not match,
/// or fails a checksum, is rebuilt. Delete the file to rebuild it after the rows changed under the same schema.</para>
/// <para>Held-out rows (<see cref="HoldOut"/>) are chosen by position in the file once it is written (or reused), from its shape; the
/// survey's pass copies them into memory and the epochs pass over them.</para>
/// <para>Memory: two blocks of the file, the batch buffer and the survey's sample (O(d) more for sparse rows), whatever the row count,
/// plus the held-out rows when there are some.</para>
/// </remarks>
internal static class CacheFileRows
{
    public static FitRows Open(IDataView data, DataViewColumns columns, GradientDescentRegressionTrainer.Options options, CancellationToken token)
    {
        int d = columns.FeatureCount;
        var slotNames = columns.AllSlotNames();
        string? kept = options.CacheFilePath;
        bool reused = false;
        CacheFileReader? reader = null;
        Survey? survey = null;
        HoldOut holdOut = default;
        TrainingRows? heldOut = null;
        long skipped = 0;
        if (kept is not null && File.Exists(kept) && TryReuse(kept, data, d, slotNames, options, token, out reader, out survey, out holdOut, out heldOut))
        {
            reused = true;
        }
        else
        {
            reader = Write(data, columns, slotNames, kept ?? CacheFileWriter.TemporaryPath(), options.Shuffle ? options.Seed : null, options.SkipNonFiniteRows,
                deleteOnDispose: kept is null, token, out skipped);
        }
        try
        {
            if (survey is null)
                (survey, holdOut, heldOut) = SurveyRows(reader, options, token);
            var source = Batches(reader, options.BatchSize, options.Shuffle, options.Seed, holdOut, heldOut);
            return FitRows.Of(source, new RowSourceInfo(RowSource.CacheFile, skipped, reused), survey, source, reader);
        }
        catch
        {
            reader.Dispose(); // a temporary file goes with it
            throw;
        }
    }

    /// <summary>The batches of a fit from <paramref name="reader"/>: blocks in a seeded order, each entered at a seeded row, read into
    /// two block buffers (memory bounded whatever the file's size), passing over the rows <paramref name="holdOut"/> holds out (held in
    /// memory as <paramref name="heldOut"/>); the reader must outlive them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">One dense batch of <paramref name="batchSize"/> rows would not fit in one array.</exception>
    internal static CacheFileBatchSource Batches(CacheFileReader reader, int batchSize, bool shuffle, int seed, HoldOut holdOut = default,
        TrainingRows? heldOut = null)
    {
        var source = new CacheFileBatchSource(reader, batchSize, shuffle ? CacheFileShuffle.BlocksAndBatches : CacheFileShuffle.None, seed,
            validation: heldOut, memoryMap: false, holdOut: holdOut);
        int d = reader.Schema.FeatureCount;
        if (!reader.Schema.IsSparse && (long)(reader.RowCount / source.BatchCount + 1) * d > Array.MaxLength)
        {
            source.Dispose();
            throw new ArgumentOutOfRangeException(nameof(GradientDescentSettings.BatchSize), batchSize,
                $"must be at most {Array.MaxLength / d} for {d} features: one batch of BatchSize x features values must fit in one array.");
        }
        return source;
    }

    // A kept file that matches the data is trained from as it is; its survey reads every block, so a corrupted one fails its
    // checksum here, and the file is then rebuilt.
    private static bool TryReuse(string path, IDataView data, int d, IReadOnlyList<string>? slotNames, GradientDescentRegressionTrainer.Options options,
        CancellationToken token, out CacheFileReader reader, out Survey? survey, out HoldOut holdOut, out TrainingRows? heldOut)
    {
        (survey, holdOut, heldOut) = (null, default, null);
        if (!CacheFileReader.TryOpen(path, CacheFileSchema.Create(d, false, slotNames), out reader!, out _)
            && !CacheFileReader.TryOpen(path, CacheFileSchema.Create(d, true, slotNames), out reader!, out _))
            return false;
        if (!options.SkipNonFiniteRows && data.GetRowCount() is long count && count != reader.RowCount)
        {
            reader.Dispose();
            return false;
        }
        try
        {
            (survey, holdOut, heldOut) = SurveyRows(reader, options, token);
            return true;
        }
        catch (CacheFileException)
        {
            reader.Dispose();
            return false;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    // The hold-out, decided from the file's rows (positions in the file), and the survey of the rows it leaves, whose pass copies the
    // held-out rows apart.
    private static (Survey Survey, HoldOut HoldOut, TrainingRows? HeldOut) SurveyRows(CacheFileReader reader, GradientDescentRegressionTrainer.Options options,
        CancellationToken token)
    {
        bool sparse = reader.Schema.IsSparse;
        IRowPass rows = new CacheFileRowPass(reader); // each pass restarts it
        var holdOut = HoldOut.Decide(options, rows, sparse, token);
        holdOut.CheckLeavesTrainingRows(reader.RowCount);
        if (holdOut.IsActive)
            rows = new HoldOutPass(rows, holdOut, sparse, density: 0);
        var survey = Survey.Take(rows, sparse, options.StandardizeFeatures, token);
        return (survey, holdOut, (rows as HoldOutPass)?.HeldOut);
    }

    /// <summary>The one pass over a source into a cache file: every row checked by the one reader (<see cref="DataViewRowPass"/>), held
    /// until the storage is decided (<see cref="RowStorage"/>), then written (<see cref="CacheFileWriter"/>, atomically). A local fit
    /// from a cache file and a distributed fit's shard are written by it alike.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="columns">The label and feature columns.</param>
    /// <param name="slotNames">The feature column's slot names (<see cref="DataViewColumns.AllSlotNames"/>), hashed into the file's schema.</param>
    /// <param name="path">The cache file; it appears whole or not at all.</param>
    /// <param name="rowShuffleSeed">The seed of the writer's row shuffle within blocks, or <see langword="null"/> to keep the order.</param>
    /// <param name="skipNonFiniteRows">Whether a row with a NaN or infinite value is left out (counted in <paramref name="skipped"/>).</param>
    /// <param name="deleteOnDispose">Whether the returned reader deletes the file when disposed.</param>
    /// <param name="token">Checked every 4096 rows.</param>
    /// <param name="skipped">Receives how many rows were left out.</param>
    /// <returns>The file, open.</returns>
    /// <exception cref="ArgumentException">There are no rows, or a row fails <see cref="RowCheck"/> (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    internal static CacheFileReader Write(IDataView data, DataViewColumns columns, IReadOnlyList<string>? slotNames, string path, int? rowShuffleSeed, bool skipNonFiniteRows,
        bool deleteOnDispose, CancellationToken token, out long skipped)
    {
        int d = columns.FeatureCount;
        CacheFileWriter? writer = null;
        CacheFileSchema schema = default;
        var intake = new RowIntake(d, (sparse, _) =>
        {
            schema = CacheFileSchema.Create(d, sparse, slotNames);
            return writer = CacheFileWriter.Create(path, schema, rowShuffleSeed: rowShuffleSeed);
        });
        try
        {
            skipped = DataViewReader.ReadOnce(data, columns, skipNonFiniteRows, intake, token);
            writer!.Commit();
        }
        finally
        {
            writer?.Dispose(); // before Commit it deletes the temporary file; after, nothing
        }
        return CacheFileReader.Open(path, schema, deleteOnDispose: deleteOnDispose);
    }
}
