using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Trainers;

/// <summary>Reads (label, features) rows from a cursor, one at a time, into one reused buffer; sparse rows stay sparse.</summary>
internal sealed class RowCursorReader : IDisposable
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<float> _getLabel;
    private readonly ValueGetter<VBuffer<float>> _getFeatures;
    private readonly DataViewSchema.Column _label;
    private readonly DataViewSchema.Column _features;
    private VBuffer<float> _buffer;

    /// <summary>Opens a cursor over the label and feature columns (found by name in <paramref name="data"/>'s schema), shuffled
    /// by the source with <paramref name="random"/> when it is given.</summary>
    public RowCursorReader(IDataView data, DataViewSchema.Column label, DataViewSchema.Column features, Random? random)
    {
        _label = data.Schema[label.Name];
        _features = data.Schema[features.Name];
        var columns = new[] { _label, _features };
        _cursor = random is null ? data.GetRowCursor(columns) : data.GetRowCursor(columns, random);
        _getLabel = _cursor.GetGetter<float>(_label);
        _getFeatures = _cursor.GetGetter<VBuffer<float>>(_features);
    }

    /// <summary>Gets the number of rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Gets the features of the last row read (valid until the next read).</summary>
    public ref readonly VBuffer<float> Features => ref _buffer;

    /// <summary>Reads the next row into <see cref="Features"/>; <see langword="false"/> at the end.</summary>
    public bool TryRead(out float label)
    {
        label = 0;
        if (!Skip())
            return false;
        Read(out label);
        return true;
    }

    /// <summary>Moves to the next row without reading it (no getter runs); <see langword="false"/> at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Skip()
    {
        if (!_cursor.MoveNext())
            return false;
        RowsRead++;
        return true;
    }

    /// <summary>Reads the row moved to by <see cref="Skip"/> into <see cref="Features"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Read(out float label)
    {
        label = 0;
        _getLabel(ref label);
        _getFeatures(ref _buffer);
    }

    /// <summary>Returns whether the label and every stored value of the last row are finite.</summary>
    public bool IsFinite(float label) => float.IsFinite(label) && TensorPrimitives.IsFiniteAll(_buffer.GetValues());

    /// <summary>The error for the last row, when <see cref="IsFinite"/> is false: it names the column and slot.</summary>
    public ArgumentException NotFinite(float label, string where)
    {
        if (!float.IsFinite(label))
            return new ArgumentException($"{where}: the label column '{_label.Name}' is {label}; labels must be finite numbers.", "data");
        ReadOnlySpan<float> values = _buffer.GetValues();
        int k = 0;
        while (k < values.Length - 1 && float.IsFinite(values[k]))
            k++;
        int slot = _buffer.IsDense ? k : _buffer.GetIndices()[k];
        string slotName = DataViewReader.SlotName(_features, slot);
        return new ArgumentException(
            $"{where}: feature {slotName} of column '{_features.Name}' is {values[k]}; features must be finite numbers. " +
            "Remove or replace missing values first (e.g. ml.Transforms.ReplaceMissingValues).", "data");
    }

    public void Dispose() => _cursor.Dispose();
}
