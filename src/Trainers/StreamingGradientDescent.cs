using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>Minibatch gradient descent that streams an <see cref="IDataView"/> through a row cursor every epoch, so memory does
/// not grow with the number of rows.</summary>
/// <remarks>
/// <para>A fit makes one survey pass, then one pass per epoch. The survey pass reads the source in its own order: it checks every
/// value is finite (the error names the row and column), counts the rows, and keeps a seeded uniform sample of at most
/// <see cref="CurvatureEstimator.MaxSampleRows"/> rows (<see cref="RowReservoir"/>) from which the automatic learning rate is
/// estimated. Each epoch then fills one reusable <c>B × d</c> buffer from a cursor and hands every full buffer (and the last,
/// partial one) to a <see cref="TrainingSession"/>, which steps the optimizer, keeps the epoch cost and decides on divergence and stopping.</para>
/// <para>Shuffling, when <see cref="GradientDescentSettings.Shuffle"/> is on: if the source can shuffle
/// (<see cref="IDataView.CanShuffle"/>, e.g. a binary .idv file or an in-memory list) the cursor is asked for a random order seeded by
/// <c>(Seed, epoch)</c>; otherwise rows pass through a <see cref="ShuffleBuffer"/> of <c>ShuffleBufferRows</c> rows seeded the same way.
/// Either way the same seed gives the same model bit for bit, for a source that returns the same rows in the same order.</para>
/// <para>Memory: the batch buffer (<c>B × (d + 1)</c> floats), the shuffle buffer and the curvature sample (each at most
/// 16384 × (d + 1) floats, and at most 64 MB for very wide rows), plus whatever the source's cursor holds — independent of the
/// row count.</para>
/// </remarks>
public sealed class StreamingGradientDescent
{
    /// <summary>The default number of rows in the shuffle buffer used for sources that cannot shuffle.</summary>
    public const int DefaultShuffleBufferRows = 16384;

    /// <summary>The most values (floats) the shuffle buffer or the curvature sample may hold: 64 MB each, so very wide rows get fewer rows.</summary>
    private const long MaxBufferValues = 16L << 20;

    private readonly GradientDescentSettings _settings;
    private readonly int _shuffleBufferRows;

    /// <summary>Creates the loop; the settings are validated now.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="shuffleBufferRows">The shuffle buffer's size in rows, for sources that cannot shuffle; at least 1.</param>
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
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for <see cref="Sgd"/>.</param>
    /// <param name="cancellationToken">Checked before every batch and every 4096 rows of the survey pass.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data has no rows, a value is not finite, or the
    /// feature count differs from the model's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">One batch of <c>BatchSize × d</c> values would not fit in one array.</exception>
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

        var (rowCount, sample) = Survey(data, label, features, d, cancellationToken);
        // The same equal-size batches as the cached loop: ceil(n / BatchSize) of them, differing by one row at most.
        long batchCount = (rowCount + _settings.BatchSize - 1) / _settings.BatchSize;
        int batchSize = (int)((rowCount + batchCount - 1) / batchCount);
        int smallestBatch = (int)(rowCount / batchCount);
        if ((long)batchSize * d > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(GradientDescentSettings.BatchSize), _settings.BatchSize,
                $"must be at most {Array.MaxLength / d} for {d} features: one batch of BatchSize x features values must fit in one array.");
        // The learning rate and the standardization come from the sample, the batch-noise term from the real batch size.
        var session = TrainingSession.Start(_settings, sample, sample.RowCount, smallestBatch, model, optimizer);

        var batch = new Batch(batchSize, d, rowCount, batchCount);
        bool sourceShuffles = _settings.Shuffle && data.CanShuffle;
        var pool = _settings.Shuffle && !data.CanShuffle ? new ShuffleBuffer((int)Math.Min(BoundedRows(_shuffleBufferRows, d), rowCount), d) : null;
        var row = new float[d];
        try
        {
            do
            {
                int epoch = session.Epoch;
                var random = sourceShuffles ? new Random(EpochSeed(epoch)) : null;
                pool?.Reset(_settings.Seed, (ulong)epoch);
                using var reader = new RowCursorReader(data, label, features, random);
                long rows = pool is null
                    ? StreamDirect(reader, batch, session, epoch, cancellationToken)
                    : StreamThroughPool(reader, pool, row, batch, session, epoch, cancellationToken);
                if (batch.Count > 0)
                    batch.Train(session, cancellationToken);
                if (rows != rowCount)
                    throw new InvalidOperationException(
                        $"The data returned {rows} rows in epoch {epoch} but {rowCount} in the first pass; a streamed source must not change while training.");
            }
            while (!session.EndEpoch());
        }
        catch
        {
            session.Restore();
            throw;
        }
        return session.ToHistory();
    }

    private (long RowCount, DenseDataset Sample) Survey(IDataView data, DataViewSchema.Column label,
        DataViewSchema.Column features, int d, CancellationToken cancellationToken)
    {
        var reservoir = new RowReservoir(BoundedRows(CurvatureEstimator.MaxSampleRows, d), d, _settings.Seed);
        var row = new float[d];
        using var reader = new RowCursorReader(data, label, features, random: null);
        while (reader.TryRead(row, out float y))
        {
            if ((reader.RowsRead & 4095) == 1)
                cancellationToken.ThrowIfCancellationRequested();
            if (!RowCursorReader.IsFinite(row, y))
                throw reader.NotFinite(row, y, $"Row {reader.RowsRead - 1}");
            reservoir.Add(row, y);
        }
        if (reader.RowsRead == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        return (reader.RowsRead, reservoir.ToDenseDataset());
    }

    private static long StreamDirect(RowCursorReader reader, Batch batch, TrainingSession session, int epoch, CancellationToken cancellationToken)
    {
        while (reader.TryRead(batch.NextRow, out float y))
        {
            if (!RowCursorReader.IsFinite(batch.NextRow, y))
                throw reader.NotFinite(batch.NextRow, y, $"Epoch {epoch}, row {reader.RowsRead - 1} of the pass (the source changed after the first pass)");
            batch.Commit(y);
            if (batch.IsFull)
                batch.Train(session, cancellationToken);
        }
        return reader.RowsRead;
    }

    private static long StreamThroughPool(RowCursorReader reader, ShuffleBuffer pool, float[] row, Batch batch, TrainingSession session,
        int epoch, CancellationToken cancellationToken)
    {
        while (reader.TryRead(row, out float y))
        {
            if (!RowCursorReader.IsFinite(row, y))
                throw reader.NotFinite(row, y, $"Epoch {epoch}, row {reader.RowsRead - 1} of the pass (the source changed after the first pass)");
            if (pool.Add(row, y, batch.NextRow, out float emitted))
            {
                batch.Commit(emitted);
                if (batch.IsFull)
                    batch.Train(session, cancellationToken);
            }
        }
        while (pool.TryTake(batch.NextRow, out float emitted))
        {
            batch.Commit(emitted);
            if (batch.IsFull)
                batch.Train(session, cancellationToken);
        }
        return reader.RowsRead;
    }

    /// <summary>At most <paramref name="rows"/> rows, and at most <see cref="MaxBufferValues"/> values (64 MB) in all.</summary>
    private static int BoundedRows(int rows, int featureCount) => (int)Math.Clamp(MaxBufferValues / (featureCount + 1L), 1, rows);

    private int EpochSeed(int epoch) => (int)(new SplitMix64(_settings.Seed, (ulong)epoch).NextUInt64() >> 33);

    /// <summary>The one reusable B x d minibatch buffer. Batch k of an epoch holds rows [k·n/K, (k+1)·n/K), as in the cached loop.</summary>
    private sealed class Batch(int capacity, int featureCount, long rowCount, long batchCount)
    {
        private readonly float[] _features = new float[capacity * featureCount];
        private readonly float[] _labels = new float[capacity];
        private long _index;

        public int Count { get; private set; }

        public bool IsFull => Count == Target;

        private int Target => (int)(End(_index) - End(_index - 1));

        private long End(long index) => (index + 1) * rowCount / batchCount;

        public Span<float> NextRow => _features.AsSpan(Count * featureCount, featureCount);

        public void Commit(float label) => _labels[Count++] = label;

        public void Train(TrainingSession session, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            session.TrainBatch(_features.AsSpan(0, Count * featureCount), _labels.AsSpan(0, Count));
            Count = 0;
            _index = (_index + 1) % batchCount;
        }
    }
}
