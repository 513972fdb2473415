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
    private RowCursorReader? _reader;

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
    public long Position => _reader!.RowsRead - 1;

    /// <inheritdoc/>
    public void Restart()
    {
        _reader?.Dispose();
        _reader = new RowCursorReader(_data, _label, _features, random: null);
    }

    /// <summary>Moves to the next row without reading it; <see langword="false"/> at the end of the pass.</summary>
    public bool Skip() => _reader!.Skip();

    /// <summary>Reads the row moved to by <see cref="Skip"/>, checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Read(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        _reader!.Read(out label);
        ref readonly VBuffer<float> x = ref _reader.Features;
        values = x.GetValues();
        indices = x.IsDense ? default : x.GetIndices();
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

    public void Dispose() => _reader?.Dispose();

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
