namespace MlNetGd.Trainers.Core;

/// <summary>Growable storage for a block of dense or CSR rows that is filled by copying rows from other blocks: a shuffled copy
/// of a cache-file block, or a batch that spans two blocks. Grows to the largest block it has held, then allocates nothing.</summary>
internal sealed class RowBlockBuffer
{
    private readonly int _featureCount;
    private readonly bool _sparse;
    private float[] _labels = [];
    private float[] _dense = [];
    private int[] _starts = [0];
    private int[] _indices = [];
    private float[] _values = [];
    private int _rows;
    private int _stored;

    public RowBlockBuffer(int featureCount, bool sparse, int rows, int storedValues)
    {
        _featureCount = featureCount;
        _sparse = sparse;
        Reserve(rows, storedValues);
    }

    public int RowCount => _rows;

    public void Clear()
    {
        _rows = 0;
        _stored = 0;
    }

    /// <summary>Appends rows <c>[start, start + count)</c> of <paramref name="source"/>.</summary>
    public void Append(RowBlock source, int start, int count)
    {
        int d = _featureCount;
        if (!_sparse)
        {
            Reserve(_rows + count, (_rows + count) * d);
            source.DenseFeatures.Slice(start * d, count * d).CopyTo(_dense.AsSpan(_rows * d));
            source.Labels.Slice(start, count).CopyTo(_labels.AsSpan(_rows));
            _rows += count;
            _stored = _rows * d;
            return;
        }
        int from = source.RowStarts[start], to = source.RowStarts[start + count];
        Reserve(_rows + count, _stored + (to - from));
        source.Indices[from..to].CopyTo(_indices.AsSpan(_stored));
        source.Values[from..to].CopyTo(_values.AsSpan(_stored));
        source.Labels.Slice(start, count).CopyTo(_labels.AsSpan(_rows));
        int shift = _stored - from;
        for (int i = 1; i <= count; i++)
            _starts[_rows + i] = source.RowStarts[start + i] + shift;
        _rows += count;
        _stored += to - from;
    }

    /// <summary>Replaces the contents with the rows of <paramref name="source"/> in the order <paramref name="order"/>
    /// (new row k is source row <c>order[k]</c>).</summary>
    public void Gather(RowBlock source, ReadOnlySpan<int> order)
    {
        Clear();
        int d = _featureCount;
        Reserve(order.Length, _sparse ? (int)source.StoredValueCount : order.Length * d);
        var labels = _labels.AsSpan(0, order.Length);
        if (!_sparse)
        {
            var features = source.DenseFeatures;
            var destination = _dense.AsSpan(0, order.Length * d);
            for (int k = 0; k < order.Length; k++)
            {
                int row = order[k];
                features.Slice(row * d, d).CopyTo(destination.Slice(k * d, d));
                labels[k] = source.Labels[row];
            }
            _rows = order.Length;
            _stored = order.Length * d;
            return;
        }
        var starts = source.RowStarts;
        int stored = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int row = order[k];
            int from = starts[row], length = starts[row + 1] - from;
            source.Indices.Slice(from, length).CopyTo(_indices.AsSpan(stored));
            source.Values.Slice(from, length).CopyTo(_values.AsSpan(stored));
            stored += length;
            _starts[k + 1] = stored;
            labels[k] = source.Labels[row];
        }
        _rows = order.Length;
        _stored = stored;
    }

    public RowBlock View() => _sparse
        ? RowBlock.Sparse(_starts.AsSpan(0, _rows + 1), _indices.AsSpan(0, _stored), _values.AsSpan(0, _stored), _labels.AsSpan(0, _rows), _featureCount)
        : RowBlock.Dense(_dense.AsSpan(0, _stored), _labels.AsSpan(0, _rows), _featureCount);

    private void Reserve(int rows, int stored)
    {
        if (rows > _labels.Length)
        {
            Array.Resize(ref _labels, Math.Max(rows, 2 * _labels.Length));
            if (_sparse)
                Array.Resize(ref _starts, _labels.Length + 1);
        }
        if (stored > (_sparse ? _indices.Length : _dense.Length))
        {
            int size = Math.Max(stored, 2 * (_sparse ? _indices.Length : _dense.Length));
            if (_sparse)
            {
                Array.Resize(ref _indices, size);
                Array.Resize(ref _values, size);
            }
            else
            {
                Array.Resize(ref _dense, size);
            }
        }
    }
}
