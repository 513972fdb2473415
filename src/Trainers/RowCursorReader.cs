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
    private VBuffer<float> _buffer;

    /// <summary>Opens a cursor over the label and feature columns of <paramref name="data"/>, in the source's order.</summary>
    public RowCursorReader(IDataView data, DataViewColumns columns)
    {
        var label = data.Schema[columns.Label.Name];
        var features = data.Schema[columns.Features.Name];
        _cursor = data.GetRowCursor([label, features]);
        _getLabel = _cursor.GetGetter<float>(label);
        _getFeatures = _cursor.GetGetter<VBuffer<float>>(features);
    }

    /// <summary>Gets the number of rows moved to so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Gets the features of the last row read (valid until the next read).</summary>
    public ref readonly VBuffer<float> Features => ref _buffer;

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

    public void Dispose() => _cursor.Dispose();
}
