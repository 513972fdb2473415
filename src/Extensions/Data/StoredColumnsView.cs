using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>Columns of a file held in memory (<see cref="StoredColumn"/>), as an <see cref="IDataView"/>: numbers as Single, strings as
/// text, optionally only some rows. Its row count is known, so a trainer reading it needs no counting pass.</summary>
/// <remarks>Hand-written because ML.NET's own in-memory view builder is internal, and its cache of the loader's output holds every
/// text cell as a string, many times slower to fill and larger than 4 bytes a cell (DESIGN.md, "The tool's data path").</remarks>
internal sealed class StoredColumnsView : IDataView
{
    private readonly StoredColumn[] _columns;
    private readonly int _rowCount;
    private readonly int[]? _rows;

    /// <param name="columns">Each column's name, values and type (<see cref="DataKind.Single"/>, or <see cref="DataKind.String"/>
    /// for a column that holds its text).</param>
    /// <param name="rowCount">The rows the columns hold.</param>
    /// <param name="rows">The rows to show, in order, or <see langword="null"/> for all.</param>
    public StoredColumnsView(IReadOnlyList<(string Name, StoredColumn Values, DataKind Kind)> columns, int rowCount, int[]? rows)
    {
        var schema = new DataViewSchema.Builder();
        foreach (var (name, values, kind) in columns)
        {
            if (kind == DataKind.String && !values.HoldsText)
                throw new ArgumentException($"The column '{name}' holds numbers, not text.", nameof(columns));
            schema.AddColumn(name, kind == DataKind.Single ? NumberDataViewType.Single : TextDataViewType.Instance);
        }
        Schema = schema.ToSchema();
        _columns = columns.Select(c => c.Values).ToArray();
        _rowCount = rowCount;
        _rows = rows;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows?.Length ?? _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(StoredColumnsView view, HashSet<int> active) : DataViewRowCursor
    {
        private readonly long _count = view.GetRowCount()!.Value;
        private long _position = -1;
        private int _row = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _count)
            {
                _position = _count;
                return false;
            }
            _position++;
            _row = view._rows is { } rows ? rows[_position] : (int)_position;
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_row, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"The column '{column.Name}' was not asked for when the cursor was made.");
            var values = view._columns[column.Index];
            Delegate getter = column.Type is TextDataViewType
                ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = values.Text(_row))
                : values.Numbers is { } numbers
                    ? (ValueGetter<float>)((ref float value) => value = numbers[_row])
                    : (ValueGetter<float>)((ref float value) => value = values.Number(_row));
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"The column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
        }
    }
}
