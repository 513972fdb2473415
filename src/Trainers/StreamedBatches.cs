using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>The batches of one streamed fit: every epoch, a fresh cursor pass over the source (shuffled by the source, or through
/// ML.NET's shuffle pool), rows gathered into one reused buffer, dense or CSR. Batch k of an epoch holds rows
/// <c>[k·n/K, (k+1)·n/K)</c> of the pass, as in the cached loop.</summary>
internal sealed class StreamedBatches : IBatchSource, IDisposable
{
    private readonly IDataView _data;
    private readonly DataViewSchema.Column _label;
    private readonly DataViewSchema.Column _features;
    private readonly long _rowCount;
    private readonly long _batchCount;
    private readonly bool _sparse;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int _poolRows;
    private readonly float[] _labels;
    private readonly float[] _dense;
    private readonly int[] _starts;
    private readonly List<int> _columns = [];
    private int[] _indices;
    private float[] _values;
    private RowCursorReader? _reader;
    private long _batchIndex;
    private int _epoch;

    public StreamedBatches(IDataView data, DataViewSchema.Column label, DataViewSchema.Column features, int featureCount, long rowCount,
        long batchCount, int batchSize, bool sparse, GradientDescentSettings settings, int poolRows)
    {
        _data = data;
        _label = label;
        _features = features;
        FeatureCount = featureCount;
        _rowCount = rowCount;
        _batchCount = batchCount;
        _sparse = sparse;
        _shuffle = settings.Shuffle;
        _seed = settings.Seed;
        _poolRows = poolRows;
        _labels = new float[batchSize];
        _dense = sparse ? [] : new float[batchSize * featureCount];
        _starts = sparse ? new int[batchSize + 1] : [];
        _indices = sparse ? new int[batchSize * 16] : [];
        _values = sparse ? new float[batchSize * 16] : [];
    }

    /// <inheritdoc/>
    public int FeatureCount { get; }

    /// <inheritdoc/>
    public RowBlock Validation => RowBlock.Dense([], [], FeatureCount);

    /// <inheritdoc/>
    public void BeginEpoch(int epoch)
    {
        _reader?.Dispose();
        _epoch = epoch;
        _batchIndex = 0;
        IDataView view = _data;
        Random? random = null;
        if (_shuffle && _data.CanShuffle)
            random = new Random(EpochSeed(epoch));
        else if (_shuffle)
            view = new MLContext(_seed).Data.ShuffleRows(_data, EpochSeed(epoch), _poolRows, shuffleSource: false);
        _reader = new RowCursorReader(view, _label, _features, random);
    }

    /// <inheritdoc/>
    public bool TryGetBatch(out RowBlock batch)
    {
        var reader = _reader ?? throw new InvalidOperationException("BeginEpoch was not called.");
        int target = (int)(End(_batchIndex) - End(_batchIndex - 1));
        int count = 0, stored = 0;
        while (count < target && reader.TryRead(out float y))
        {
            if (!reader.IsFinite(y))
                throw reader.NotFinite(y, $"Epoch {_epoch}, row {reader.RowsRead - 1} of the pass (the source changed after the first pass)");
            ref readonly VBuffer<float> x = ref reader.Features;
            _labels[count] = y;
            if (_sparse)
            {
                ReadOnlySpan<int> columns = Columns(x, _columns);
                ReadOnlySpan<float> values = x.GetValues();
                if (stored + values.Length > _indices.Length)
                {
                    int grown = (int)Math.Min(Math.Max(stored + values.Length, 2L * _indices.Length), Array.MaxLength);
                    Array.Resize(ref _indices, grown);
                    Array.Resize(ref _values, grown);
                }
                columns.CopyTo(_indices.AsSpan(stored));
                values.CopyTo(_values.AsSpan(stored));
                _starts[count] = stored;
                stored += values.Length;
                _starts[count + 1] = stored;
            }
            else
            {
                x.CopyTo(_dense.AsSpan(count * FeatureCount, FeatureCount));
            }
            count++;
        }
        if (count == 0)
        {
            batch = default;
            return false;
        }
        _batchIndex = (_batchIndex + 1) % _batchCount;
        batch = _sparse
            ? RowBlock.Sparse(_starts.AsSpan(0, count + 1), _indices, _values, _labels.AsSpan(0, count), FeatureCount)
            : RowBlock.Dense(_dense.AsSpan(0, count * FeatureCount), _labels.AsSpan(0, count), FeatureCount);
        return true;
    }

    /// <inheritdoc/>
    public void EndEpoch(int epoch)
    {
        long rows = _reader?.RowsRead ?? 0;
        _reader?.Dispose();
        _reader = null;
        if (rows != _rowCount)
            throw new InvalidOperationException(
                $"The data returned {rows} rows in epoch {epoch} but {_rowCount} in the first pass; a streamed source must not change while training.");
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }

    /// <summary>The column of each stored value of <paramref name="x"/>: its indices when sparse, 0..n−1 (kept in
    /// <paramref name="scratch"/>) when dense.</summary>
    internal static ReadOnlySpan<int> Columns(in VBuffer<float> x, List<int> scratch)
    {
        if (!x.IsDense)
            return x.GetIndices();
        while (scratch.Count < x.Length)
            scratch.Add(scratch.Count);
        return System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch)[..x.Length];
    }

    private long End(long index) => (index + 1) * _rowCount / _batchCount;

    private int EpochSeed(int epoch) => (int)(new SplitMix64(_seed, (ulong)epoch).NextUInt64() >> 33);
}
