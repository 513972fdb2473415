using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>Minibatch gradient descent on data that need not fit in memory: one pass over the <see cref="IDataView"/> writes its rows
/// to a cache file (<see cref="CacheFileWriter"/>), and every epoch reads that file (<see cref="CacheFileBatchSource"/>), so memory
/// does not grow with the number of rows and epochs run at page-cache speed instead of the cursor's. Dense rows are stored dense,
/// sparse ones (one-hot, hashed, text) as CSR, never densified.</summary>
/// <remarks>
/// <para>The pass over the source reads it in its own order: it checks every value is finite (the error names the source's row and
/// column), decides dense or CSR from the first 1024 rows (the cached reader's rule), and writes the rows in blocks of about 1 MB,
/// shuffled inside each block with the seed (Vowpal Wabbit's cache file is the model). The file is written under a temporary name
/// and renamed when whole, with a checksum per block, so a killed fit never leaves a file that reads as a cache. A pass over the file
/// then keeps a seeded uniform sample of at most <see cref="CurvatureEstimator.MaxSampleRows"/> rows (<see cref="RowReservoir"/>)
/// for the automatic rate and, for sparse rows, sums every column over every row for the standardization. Every epoch is the file's
/// blocks in an order drawn from <c>(Seed, epoch)</c>, read ahead on a second thread, through the one training loop
/// <see cref="GradientDescentLoop.Run(TrainingSession, IBatchSource, CancellationToken)"/>. The same seed gives the same model bit
/// for bit; with <see cref="GradientDescentSettings.Shuffle"/> off the batches are the cached loop's.</para>
/// <para>The file is a temporary one, deleted when the fit ends however it ends, unless <see cref="CacheFile"/> names one to keep;
/// with <see cref="ReuseCacheFile"/> a later fit trains from it without reading the source. Memory: two blocks, the batch
/// buffer, the curvature sample and, for sparse rows, O(d) column sums — independent of the row count. Disk: the rows once (4 bytes
/// a dense value, 8 a nonzero).</para>
/// </remarks>
public sealed class StreamingGradientDescent
{
    /// <summary>The most values (floats) the dense curvature sample may hold: 64 MB, so very wide rows get fewer rows.</summary>
    private const long MaxBufferValues = 16L << 20;

    private readonly GradientDescentSettings _settings;

    /// <summary>Creates the loop; the settings are validated now.</summary>
    /// <param name="settings">The settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public StreamingGradientDescent(GradientDescentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
    }

    /// <summary>Gets or sets where the rows of the first pass are kept for the epochs after it (<see cref="CacheFileWriter"/>), or
    /// <see langword="null"/> for a temporary file that is deleted when the fit ends, however it ends.</summary>
    public string? CacheFile { get; init; }

    /// <summary>Gets or sets whether an existing <see cref="CacheFile"/> whose header matches the data's schema (feature count,
    /// storage, slot names) is trained on without reading the source at all. A file that does not match is rebuilt.</summary>
    public bool ReuseCacheFile { get; init; }

    /// <summary>Trains <paramref name="model"/> in place on <paramref name="data"/>: one pass over the source writes its rows to a
    /// cache file, and every epoch reads that file.</summary>
    /// <param name="data">The training data: a Single label column and a known-size vector of Single features.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="model">The model to train from its current parameters; its feature count must match the data.</param>
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for the one the settings name.</param>
    /// <param name="cancellationToken">Checked before every batch and every 4096 rows of the survey pass.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data has no rows, a value is not finite, or the
    /// feature count differs from the model's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">One dense batch of <c>BatchSize × d</c> values would not fit in one array.</exception>
    /// <exception cref="IOException">The cache file cannot be written or read (the message names it).</exception>
    /// <exception cref="TrainingDivergedException">The cost became non-finite or grew by orders of magnitude; the model is restored.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the model is restored.</exception>
    public TrainingHistory Run(IDataView data, string labelColumnName, string featureColumnName, LinearModel model,
        IOptimizer? optimizer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        var (label, features, d) = DataViewReader.FindColumns(data.Schema, labelColumnName, featureColumnName);
        if (d != model.FeatureCount)
            throw new ArgumentException($"The model has {model.FeatureCount} features but the data has {d}.", nameof(model));

        var slotNames = SlotNames(features, d);
        CacheFileReader? reader = null;
        TrainingRows? sample = null;
        FeatureStandardization? standardization = null;
        if (ReuseCacheFile && CacheFile is not null && File.Exists(CacheFile)
            && (CacheFileReader.TryOpen(CacheFile, CacheFileSchema.Create(d, false, slotNames), out reader, out _)
                || CacheFileReader.TryOpen(CacheFile, CacheFileSchema.Create(d, true, slotNames), out reader, out _)))
        {
            try
            {
                (sample, standardization) = Survey(reader, cancellationToken); // reads every block: a corrupted one fails its checksum here
            }
            catch (CacheFileException)
            {
                reader.Dispose();
                reader = null; // rebuilt below from the source
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }
        if (reader is null)
        {
            reader = WriteCacheFile(data, label, features, d, slotNames, cancellationToken);
            try
            {
                (sample, standardization) = Survey(reader, cancellationToken);
            }
            catch
            {
                reader.Dispose(); // a temporary file goes with it
                throw;
            }
        }
        using var owned = reader;
        using var batches = new CacheFileBatchSource(reader, _settings.BatchSize,
            _settings.Shuffle ? CacheFileShuffle.BlocksAndBatches : CacheFileShuffle.None, _settings.Seed, memoryMap: false);
        long rowCount = reader.RowCount;
        if (!reader.Schema.IsSparse && (long)(rowCount / batches.BatchCount + 1) * d > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(GradientDescentSettings.BatchSize), _settings.BatchSize,
                $"must be at most {Array.MaxLength / d} for {d} features: one batch of BatchSize x features values must fit in one array.");
        // The learning rate comes from the sample, the batch-noise term from the real batch size, the standardization of sparse
        // rows from every row.
        var session = TrainingSession.Start(_settings, sample!, sample!.RowCount, (int)batches.SmallestBatch, model, optimizer, standardization);
        var history = GradientDescentLoop.Run(session, batches, cancellationToken);
        history.RowSource = RowSource.CacheFile;
        return history;
    }

    internal static string[]? SlotNames(DataViewSchema.Column features, int d)
    {
        if (!features.HasSlotNames())
            return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        features.GetSlotNames(ref names);
        var result = new string[d];
        for (int j = 0; j < d; j++)
            result[j] = names.GetItemOrDefault(j).ToString();
        return result;
    }

    // The one pass over the source, in its own order: every value checked (the error names the source's row), the storage decided
    // from the first 1024 rows (held until then, so a one-pass enumerable is read once), and every row written to the cache file.
    internal CacheFileReader WriteCacheFile(IDataView data, DataViewSchema.Column label, DataViewSchema.Column features, int d,
        string[]? slotNames, CancellationToken cancellationToken)
    {
        string path = CacheFile ?? CacheFileWriter.TemporaryPath();
        var held = new List<(float Label, VBuffer<float> Features)>();
        long nonzeros = 0;
        bool sparse = false;
        CacheFileWriter? writer = null;
        CacheFileSchema schema = default;
        var row = new float[d];
        var columns = new List<int>();
        void Write(in VBuffer<float> x, float y)
        {
            if (sparse)
            {
                writer!.AppendSparse(Columns(x, columns), x.GetValues(), y);
                return;
            }
            x.CopyTo(row);
            writer!.AppendDense(row, y);
        }
        void Decide()
        {
            sparse = (double)nonzeros / ((long)held.Count * d) < DataViewReader.SparseDensityThreshold;
            schema = CacheFileSchema.Create(d, sparse, slotNames);
            writer = CacheFileWriter.Create(path, schema, rowShuffleSeed: _settings.Shuffle ? _settings.Seed : null);
            foreach (var (y, x) in held)
                Write(x, y);
            held.Clear();
        }
        try
        {
            using var cursor = new RowCursorReader(data, label, features, random: null);
            while (cursor.TryRead(out float y))
            {
                if ((cursor.RowsRead & 4095) == 1)
                    cancellationToken.ThrowIfCancellationRequested();
                if (!cursor.IsFinite(y))
                    throw cursor.NotFinite(y, $"Row {cursor.RowsRead - 1}");
                ref readonly VBuffer<float> x = ref cursor.Features;
                if (writer is not null)
                {
                    Write(x, y);
                    continue;
                }
                VBuffer<float> copy = default;
                x.CopyTo(ref copy);
                held.Add((y, copy));
                nonzeros += x.GetValues().Length - x.GetValues().Count(0f);
                if (held.Count == DataViewReader.DensityProbeRows)
                    Decide();
            }
            if (cursor.RowsRead == 0)
                throw new ArgumentException("The training data has no rows.", nameof(data));
            if (writer is null)
                Decide();
            writer!.Commit();
        }
        finally
        {
            writer?.Dispose(); // before Commit it deletes the temporary file; after, nothing
        }
        return CacheFileReader.Open(path, schema, deleteOnDispose: CacheFile is null);
    }

    // A pass over the cache file (page cache speed): a seeded uniform sample of at most 16384 rows for the automatic rate, and for
    // sparse rows the sums of every column over every row for the standardization.
    private (TrainingRows Sample, FeatureStandardization? Standardization) Survey(CacheFileReader reader, CancellationToken cancellationToken)
    {
        int d = reader.Schema.FeatureCount;
        bool sparse = reader.Schema.IsSparse;
        var reservoir = new RowReservoir(sparse ? CurvatureEstimator.MaxSampleRows : BoundedRows(CurvatureEstimator.MaxSampleRows, d), d,
            _settings.Seed, sparse);
        var sums = sparse && _settings.StandardizeFeatures ? new FeatureStandardization.SparseAccumulator(d) : null;
        var buffer = new byte[reader.MaxBlockBytes];
        for (int k = 0; k < reader.BlockCount; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RowBlock block = reader.ReadBlock(k, buffer);
            for (int i = 0; i < block.RowCount; i++)
            {
                if (!sparse)
                {
                    reservoir.Add(block.DenseFeatures.Slice(i * d, d), block.Labels[i]);
                    continue;
                }
                int start = block.RowStarts[i], end = block.RowEnds[i];
                reservoir.Add(block.Indices[start..end], block.Values[start..end], block.Labels[i]);
                sums?.Add(block.Indices[start..end], block.Values[start..end]);
            }
        }
        return (reservoir.ToRows(), sums?.ToStandardization());
    }

    /// <summary>The column of each stored value of <paramref name="x"/>: its indices when sparse, 0..n−1 (kept in
    /// <paramref name="scratch"/>) when dense.</summary>
    private static ReadOnlySpan<int> Columns(in VBuffer<float> x, List<int> scratch)
    {
        if (!x.IsDense)
            return x.GetIndices();
        while (scratch.Count < x.Length)
            scratch.Add(scratch.Count);
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch)[..x.Length];
    }

    /// <summary>At most <paramref name="rows"/> rows, and at most <see cref="MaxBufferValues"/> values (64 MB) in all.</summary>
    internal static int BoundedRows(int rows, int featureCount) => (int)Math.Clamp(MaxBufferValues / (featureCount + 1L), 1, rows);
}
