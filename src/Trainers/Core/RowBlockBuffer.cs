namespace MlNetGd.Trainers.Core;

/// <summary>Growable storage for a block of dense or CSR rows filled from other blocks: the rows left over at blocks' ends, or a
/// block in a shuffled order. Grows to the largest block it has held, then allocates nothing.</summary>
/// <remarks>A CSR block can be shuffled without moving its nonzeros: <see cref="PermuteOffsets"/> keeps only each row's start, end
/// and label (12 bytes a row) in the new order, and <see cref="ViewOver"/> reads them over the source's indices and values.</remarks>
internal sealed class RowBlockBuffer
{
    private readonly int _featureCount;
    private readonly bool _sparse;
    private float[] _labels = [];
    private float[] _dense = [];
    private int[] _starts = [];
    private int[] _ends = [];
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

    /// <summary>Appends copies of rows <c>[start, start + count)</c> of <paramref name="source"/>.</summary>
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
        int length = 0;
        for (int i = start; i < start + count; i++)
            length += source.RowEnds[i] - source.RowStarts[i];
        Reserve(_rows + count, _stored + length);
        for (int i = start; i < start + count; i++)
        {
            int from = source.RowStarts[i], n = source.RowEnds[i] - from;
            source.Indices.Slice(from, n).CopyTo(_indices.AsSpan(_stored));
            source.Values.Slice(from, n).CopyTo(_values.AsSpan(_stored));
            _starts[_rows] = _stored;
            _stored += n;
            _ends[_rows] = _stored;
            _labels[_rows++] = source.Labels[i];
        }
    }

    /// <summary>Replaces the contents with copies of the rows of <paramref name="source"/> in the order <paramref name="order"/>
    /// (new row k is source row <c>order[k]</c>), stored one after the other.</summary>
    public void Gather(RowBlock source, ReadOnlySpan<int> order)
    {
        Clear();
        int d = _featureCount;
        if (_sparse)
        {
            foreach (int row in order)
                Append(source, row, 1);
            return;
        }
        Reserve(order.Length, order.Length * d);
        var features = source.DenseFeatures;
        var destination = _dense.AsSpan(0, order.Length * d);
        for (int k = 0; k < order.Length; k++)
        {
            int row = order[k];
            features.Slice(row * d, d).CopyTo(destination.Slice(k * d, d));
            _labels[k] = source.Labels[row];
        }
        _rows = order.Length;
        _stored = order.Length * d;
    }

    /// <summary>CSR only: keeps the rows of <paramref name="source"/> in the order <paramref name="order"/> as offsets into the
    /// source's nonzeros, which do not move; read them with <see cref="ViewOver"/>.</summary>
    public void PermuteOffsets(RowBlock source, ReadOnlySpan<int> order)
    {
        Clear();
        Reserve(order.Length, 0);
        for (int k = 0; k < order.Length; k++)
        {
            int row = order[k];
            _starts[k] = source.RowStarts[row];
            _ends[k] = source.RowEnds[row];
            _labels[k] = source.Labels[row];
        }
        _rows = order.Length;
    }

    /// <summary>The rows held in this buffer's own storage.</summary>
    public RowBlock View() => _sparse
        ? RowBlock.Trusted(_starts.AsSpan(0, _rows), _ends.AsSpan(0, _rows), _indices.AsSpan(0, _stored), _values.AsSpan(0, _stored), _labels.AsSpan(0, _rows), _featureCount)
        : RowBlock.Dense(_dense.AsSpan(0, _stored), _labels.AsSpan(0, _rows), _featureCount);

    /// <summary>The rows kept by <see cref="PermuteOffsets"/>, over the nonzeros of <paramref name="source"/> (the same block).</summary>
    public RowBlock ViewOver(RowBlock source) =>
        RowBlock.Trusted(_starts.AsSpan(0, _rows), _ends.AsSpan(0, _rows), source.Indices, source.Values, _labels.AsSpan(0, _rows), _featureCount);

    private void Reserve(int rows, int stored)
    {
        if (rows > _labels.Length)
        {
            int size = Math.Max(rows, 2 * _labels.Length);
            Array.Resize(ref _labels, size);
            if (_sparse)
            {
                Array.Resize(ref _starts, size);
                Array.Resize(ref _ends, size);
            }
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
