using System.Runtime.CompilerServices;
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

    /// <summary>Starts filling <paramref name="rows"/> rows in any order with <see cref="Put"/>: every slot must be put once.</summary>
    public void Begin(int rows)
    {
        Reserve(rows, _sparse ? 0 : rows * _featureCount);
        _rows = rows;
        _stored = _sparse ? 0 : rows * _featureCount;
    }

    /// <summary>Puts one row at <paramref name="slot"/> (after <see cref="Begin"/>): dense when <paramref name="indices"/> is
    /// empty (<paramref name="values"/> then holds all d values), else its stored values. A dense buffer scatters a sparse row; a CSR
    /// buffer appends the row's nonzeros after the rows put before it and records where they are, so slots may come in any order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Put(int slot, float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        _labels[slot] = label;
        if (!_sparse)
        {
            RowCopy.ToDense(indices, values, _dense.AsSpan(slot * _featureCount, _featureCount));
            return;
        }
        Reserve(0, _stored + values.Length);
        int start = _stored;
        _stored = RowCopy.AppendNonzeros(indices, values, _indices, _values, _stored);
        _starts[slot] = start;
        _ends[slot] = _stored;
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

    /// <summary>Turns the rows held into a dataset of their own (exact-size arrays). Dense rows that fill the buffer exactly are handed
    /// over without a copy: the buffer must not be used afterwards.</summary>
    public TrainingRows ToRows()
    {
        if (!_sparse)
            return _dense.Length == _rows * _featureCount && _labels.Length == _rows
                ? new DenseDataset(_dense, _labels, _featureCount, alreadyValidated: true)
                : new DenseDataset(_dense.AsSpan(0, _rows * _featureCount).ToArray(), _labels.AsSpan(0, _rows).ToArray(), _featureCount, alreadyValidated: true);
        var starts = new int[_rows + 1];
        var indices = new int[_stored];
        var values = new float[_stored];
        for (int i = 0; i < _rows; i++)
        {
            int length = _ends[i] - _starts[i];
            _indices.AsSpan(_starts[i], length).CopyTo(indices.AsSpan(starts[i]));
            _values.AsSpan(_starts[i], length).CopyTo(values.AsSpan(starts[i]));
            starts[i + 1] = starts[i] + length;
        }
        return new CsrDataset(starts, indices, values, _labels.AsSpan(0, _rows).ToArray(), _featureCount, alreadyValidated: true);
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
