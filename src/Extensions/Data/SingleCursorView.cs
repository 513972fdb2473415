using Microsoft.ML;

namespace MlNetGd.Data;

/// <summary>A view whose passes run on the reading thread: a cursor on it is the single cursor of a one-cursor set of the view below.</summary>
/// <remarks>Asked for one cursor, an ML.NET transform splits the rows of its source among helper threads and merges them back in
/// batches of 64 rows. Over rows held in memory that costs more than it saves (measured in DESIGN.md, "The tool's data path").</remarks>
/// <param name="inner">The view to read.</param>
public sealed class SingleCursorView(IDataView inner) : IDataView
{
    /// <inheritdoc/>
    public bool CanShuffle => inner.CanShuffle;

    /// <inheritdoc/>
    public DataViewSchema Schema => inner.Schema;

    /// <inheritdoc/>
    public long? GetRowCount() => inner.GetRowCount();

    /// <summary>Returns a cursor that computes every row on the calling thread.</summary>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded.ToList();
        var set = inner.GetRowCursorSet(columns, 1, rand);
        if (set.Length == 1)
            return set[0];
        foreach (var cursor in set)   // a source may give more than asked: merge them the usual way instead
            cursor.Dispose();
        return inner.GetRowCursor(columns, rand);
    }

    /// <summary>Returns one cursor, whatever <paramref name="n"/> asks (it is a suggestion).</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
