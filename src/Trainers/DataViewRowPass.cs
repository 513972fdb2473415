using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>The rows of an <see cref="IDataView"/> as sequential passes (<see cref="IRowPass"/>): one cursor per pass, in the
/// source's order, every value checked as it is read (the error names the source's row and column, as the copying reader does).</summary>
internal sealed class DataViewRowPass : IRowPass, IDisposable
{
    private readonly IDataView _data;
    private readonly DataViewSchema.Column _label;
    private readonly DataViewSchema.Column _features;
    private DataViewRowCursor? _cursor;
    private ValueGetter<float>? _getLabel;
    private ValueGetter<VBuffer<float>>? _getFeatures;
    private VBuffer<float> _buffer;
    private long _row;

    public DataViewRowPass(IDataView data, DataViewSchema.Column label, DataViewSchema.Column features, long rowCount)
    {
        _data = data;
        _label = label;
        _features = features;
        RowCount = rowCount;
    }

    /// <inheritdoc/>
    public long RowCount { get; }

    /// <summary>Gets the source's index of the row read last (−1 before the first).</summary>
    public long Position => _row - 1;

    /// <inheritdoc/>
    public void Restart()
    {
        _cursor?.Dispose();
        _cursor = _data.GetRowCursor(new[] { _label, _features });
        _getLabel = _cursor.GetGetter<float>(_label);
        _getFeatures = _cursor.GetGetter<VBuffer<float>>(_features);
        _row = 0;
    }

    /// <summary>Moves to the next row without reading it; <see langword="false"/> at the end of the pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Skip()
    {
        if (!_cursor!.MoveNext())
            return false;
        _row++;
        return true;
    }

    /// <summary>Reads the row moved to by <see cref="Skip"/>, checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Read(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        label = 0;
        _getLabel!(ref label);
        _getFeatures!(ref _buffer);
        values = _buffer.GetValues();
        indices = _buffer.IsDense ? default : _buffer.GetIndices();
        Check(label, indices, values);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        if (!Skip())
        {
            label = 0;
            indices = default;
            values = default;
            return false;
        }
        Read(out label, out indices, out values);
        return true;
    }

    public void Dispose() => _cursor?.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Check(float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if (!float.IsFinite(label))
            throw DataViewReader.NonFiniteLabel(_label.Name, label, Position);
        float squares = RowKernels.Dot(values, values); // every row read: see RowKernels for why not TensorPrimitives
        if (float.IsFinite(squares))
            return;
        int k = 0;
        while (k < values.Length && float.IsFinite(values[k]))
            k++;
        if (k < values.Length)
            throw DataViewReader.NonFiniteFeature(_features, indices.IsEmpty ? k : indices[k], values[k], Position);
        throw DataViewReader.TooLargeFeatures(_features, values, indices, Position);
    }
}
