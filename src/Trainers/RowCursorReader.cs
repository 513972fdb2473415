using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Trainers;

/// <summary>Reads the label and features of an <see cref="IDataView"/> one row at a time through a row cursor, into caller buffers.</summary>
/// <remarks>One cursor per pass; the feature vector buffer is reused, so reading allocates nothing per row. Sparse vectors are made dense.</remarks>
internal sealed class RowCursorReader : IDisposable
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<float> _getLabel;
    private readonly ValueGetter<VBuffer<float>> _getFeatures;
    private readonly DataViewSchema.Column _label;
    private readonly DataViewSchema.Column _features;
    private VBuffer<float> _buffer;

    /// <summary>Opens a cursor over the two columns, in the source's order, or shuffled by the source when <paramref name="random"/> is given.</summary>
    public RowCursorReader(IDataView data, DataViewSchema.Column label, DataViewSchema.Column features, Random? random)
    {
        _label = label;
        _features = features;
        var columns = new[] { label, features };
        _cursor = random is null ? data.GetRowCursor(columns) : data.GetRowCursor(columns, random);
        _getLabel = _cursor.GetGetter<float>(label);
        _getFeatures = _cursor.GetGetter<VBuffer<float>>(features);
    }

    /// <summary>Gets the number of rows read so far in this pass.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Reads the next row into <paramref name="features"/> (d values) and <paramref name="label"/>.</summary>
    /// <returns><see langword="false"/> at the end of the data.</returns>
    public bool TryRead(Span<float> features, out float label)
    {
        if (!_cursor.MoveNext())
        {
            label = 0;
            return false;
        }
        label = 0;
        _getLabel(ref label);
        _getFeatures(ref _buffer);
        _buffer.CopyTo(features);
        RowsRead++;
        return true;
    }

    /// <summary>Returns whether the label and every feature are finite numbers.</summary>
    public static bool IsFinite(ReadOnlySpan<float> features, float label) => float.IsFinite(label) && TensorPrimitives.IsFiniteAll(features);

    /// <summary>Builds the error for a row that is not finite, naming the row and the column (and slot).</summary>
    /// <param name="features">The row's features.</param>
    /// <param name="label">The row's label.</param>
    /// <param name="where">Where the row is, e.g. "Row 12" (from 0, in the source's order).</param>
    public ArgumentException NotFinite(ReadOnlySpan<float> features, float label, string where)
    {
        if (!float.IsFinite(label))
            return new ArgumentException($"{where}: the label column '{_label.Name}' is {label}; labels must be finite numbers.", "data");
        int slot = 0;
        while (slot < features.Length - 1 && float.IsFinite(features[slot]))
            slot++;
        string slotName = DataViewReader.SlotName(_features, slot);
        return new ArgumentException(
            $"{where}: feature {slotName} of column '{_features.Name}' is {features[slot]}; features must be finite numbers. " +
            "Remove or replace missing values first (e.g. ml.Transforms.ReplaceMissingValues).", "data");
    }

    /// <inheritdoc/>
    public void Dispose() => _cursor.Dispose();
}
