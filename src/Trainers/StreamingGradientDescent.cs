using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>Minibatch gradient descent that streams an <see cref="IDataView"/> through a row cursor every epoch, so memory does
/// not grow with the number of rows. Dense rows are read into dense batches, sparse ones (one-hot, hashed, text) into CSR
/// batches, never densified.</summary>
/// <remarks>
/// <para>A fit makes one survey pass, then one pass per epoch. The survey pass reads the source in its own order: it checks every
/// value is finite (the error names the row and column), counts the rows, and keeps a seeded uniform sample of at most
/// <see cref="CurvatureEstimator.MaxSampleRows"/> rows (<see cref="RowReservoir"/>) from which the automatic learning rate is
/// estimated; for sparse rows it also sums every column over every row, so that the standardization misses no rare column.
/// Each epoch is then a <see cref="StreamedBatches"/> source read by the one training loop,
/// <see cref="GradientDescentLoop.Run(TrainingSession, IBatchSource, CancellationToken)"/>.</para>
/// <para>Shuffling, when <see cref="GradientDescentSettings.Shuffle"/> is on: if the source can shuffle
/// (<see cref="IDataView.CanShuffle"/>, e.g. a binary .idv file or ML.NET's cache) the cursor is asked for a random order seeded by
/// <c>(Seed, epoch)</c>; otherwise the rows pass through ML.NET's own shuffle pool (<c>ml.Data.ShuffleRows</c>) of
/// <c>shufflePoolRows</c> rows, seeded the same way. Either way the same seed gives the same model bit for bit, for a source that
/// returns the same rows in the same order.</para>
/// <para>Memory: one batch buffer (dense: <c>B × (d + 1)</c> floats; CSR: its nonzeros), the shuffle pool, the curvature sample
/// and, for sparse rows, O(d) column sums, plus whatever the source's cursor holds — independent of the row count.</para>
/// </remarks>
public sealed class StreamingGradientDescent
{
    /// <summary>The default number of rows in the shuffle pool used for sources that cannot shuffle.</summary>
    public const int DefaultShuffleBufferRows = 16384;

    /// <summary>The most values (floats) the dense curvature sample or shuffle pool may hold: 64 MB, so very wide rows get fewer rows.</summary>
    private const long MaxBufferValues = 16L << 20;

    private readonly GradientDescentSettings _settings;
    private readonly int _shuffleBufferRows;

    /// <summary>Creates the loop; the settings are validated now.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="shuffleBufferRows">The shuffle pool's size in rows, for sources that cannot shuffle; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public StreamingGradientDescent(GradientDescentSettings settings, int shuffleBufferRows = DefaultShuffleBufferRows)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (shuffleBufferRows < 1)
            throw new ArgumentOutOfRangeException(nameof(shuffleBufferRows), shuffleBufferRows, "must be at least 1.");
        _settings = settings;
        _shuffleBufferRows = shuffleBufferRows;
    }

    /// <summary>Trains <paramref name="model"/> in place on <paramref name="data"/>, read again from the source every epoch.</summary>
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
    /// <exception cref="InvalidOperationException">The source returned a different number of rows in an epoch than in the survey pass.</exception>
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

        var (rowCount, sparse, sample, standardization) = Survey(data, label, features, d, cancellationToken);
        // The same equal-size batches as the cached loop: ceil(n / BatchSize) of them, differing by one row at most.
        long batchCount = (rowCount + _settings.BatchSize - 1) / _settings.BatchSize;
        int batchSize = (int)((rowCount + batchCount - 1) / batchCount);
        int smallestBatch = (int)(rowCount / batchCount);
        if (!sparse && (long)batchSize * d > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(GradientDescentSettings.BatchSize), _settings.BatchSize,
                $"must be at most {Array.MaxLength / d} for {d} features: one batch of BatchSize x features values must fit in one array.");
        // The learning rate comes from the sample, the batch-noise term from the real batch size, the standardization of sparse
        // rows from every row.
        var session = TrainingSession.Start(_settings, sample, sample.RowCount, smallestBatch, model, optimizer, standardization);
        int pool = (int)Math.Min(sparse ? _shuffleBufferRows : BoundedRows(_shuffleBufferRows, d), rowCount);
        using var batches = new StreamedBatches(data, label, features, d, rowCount, batchCount, batchSize, sparse, _settings, pool);
        return GradientDescentLoop.Run(session, batches, cancellationToken);
    }

    // One pass in the source's order. Its first rows decide the storage (dense or CSR, by their density, as the cached reader
    // decides); they are held until then, so the survey stays a single pass even over a one-pass enumerable.
    private (long RowCount, bool Sparse, TrainingRows Sample, FeatureStandardization? Standardization) Survey(IDataView data,
        DataViewSchema.Column label, DataViewSchema.Column features, int d, CancellationToken cancellationToken)
    {
        var held = new List<(float Label, VBuffer<float> Features)>();
        long nonzeros = 0;
        RowReservoir? reservoir = null;
        FeatureStandardization.SparseAccumulator? sums = null;
        bool sparse = false;
        var row = new float[d];
        var indices = new List<int>();
        void Take(in VBuffer<float> x, float y)
        {
            if (!sparse)
            {
                x.CopyTo(row);
                reservoir!.Add(row, y);
                return;
            }
            ReadOnlySpan<int> columns = StreamedBatches.Columns(x, indices);
            reservoir!.Add(columns, x.GetValues(), y);
            sums?.Add(columns, x.GetValues());
        }
        void Decide()
        {
            sparse = (double)nonzeros / ((long)held.Count * d) < DataViewReader.SparseDensityThreshold;
            reservoir = new RowReservoir(sparse ? CurvatureEstimator.MaxSampleRows : BoundedRows(CurvatureEstimator.MaxSampleRows, d), d,
                _settings.Seed, sparse);
            sums = sparse && _settings.StandardizeFeatures ? new FeatureStandardization.SparseAccumulator(d) : null;
            foreach (var (y, x) in held)
                Take(x, y);
            held = null!;
        }
        using var reader = new RowCursorReader(data, label, features, random: null);
        while (reader.TryRead(out float y))
        {
            if ((reader.RowsRead & 4095) == 1)
                cancellationToken.ThrowIfCancellationRequested();
            if (!reader.IsFinite(y))
                throw reader.NotFinite(y, $"Row {reader.RowsRead - 1}");
            ref readonly VBuffer<float> x = ref reader.Features;
            if (reservoir is not null)
            {
                Take(x, y);
                continue;
            }
            VBuffer<float> copy = default;
            x.CopyTo(ref copy);
            held.Add((y, copy));
            nonzeros += x.GetValues().Length - x.GetValues().Count(0f);
            if (held.Count == DataViewReader.DensityProbeRows)
                Decide();
        }
        if (reader.RowsRead == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        if (reservoir is null)
            Decide();
        return (reader.RowsRead, sparse, reservoir!.ToRows(), sums?.ToStandardization());
    }

    /// <summary>At most <paramref name="rows"/> rows, and at most <see cref="MaxBufferValues"/> values (64 MB) in all.</summary>
    private static int BoundedRows(int rows, int featureCount) => (int)Math.Clamp(MaxBufferValues / (featureCount + 1L), 1, rows);
}
