using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>Columns of a file held in memory (<see cref="StoredColumn"/>), as an <see cref="IDataView"/>: numbers as Single, strings as
/// text or as the keys a fitted value-to-key mapping gives them, optionally only some rows. Its row count is known, so a trainer
/// reading it needs no counting pass.</summary>
/// <remarks>Hand-written because ML.NET's own in-memory view builder is internal, and its cache of the loader's output holds every
/// text cell as a string, many times slower to fill and larger than 4 bytes a cell (DESIGN.md, "The tool's data path").</remarks>
internal sealed class StoredColumnsView : IDataView
{
    private readonly Column[] _columns;
    private readonly int _rowCount;
    private readonly int[]? _rows;

    /// <param name="columns">The columns shown, in order.</param>
    /// <param name="rowCount">The rows the columns hold.</param>
    /// <param name="rows">The rows to show, in order, or <see langword="null"/> for all.</param>
    public StoredColumnsView(IReadOnlyList<Column> columns, int rowCount, int[]? rows)
    {
        var schema = new DataViewSchema.Builder();
        foreach (var c in columns)
        {
            if (c.Type is not (NumberDataViewType or TextDataViewType or KeyDataViewType) || (c.Type is NumberDataViewType && c.Type != NumberDataViewType.Single))
                throw new ArgumentException($"The column '{c.Name}' is asked for as {c.Type}; only Single, text and keys are shown.", nameof(columns));
            if ((c.Type is TextDataViewType or KeyDataViewType) && !c.Values.HoldsText || (c.Type is KeyDataViewType) != (c.Keys is not null))
                throw new ArgumentException($"The column '{c.Name}' does not hold what {c.Type} needs.", nameof(columns));
            schema.AddColumn(c.Name, c.Type, c.Annotations);
        }
        Schema = schema.ToSchema();
        _columns = [.. columns];
        _rowCount = rowCount;
        _rows = rows;
    }

    /// <summary>One column of the view.</summary>
    /// <param name="Name">Its name.</param>
    /// <param name="Values">What it holds.</param>
    /// <param name="Type">Single; text (of a column of strings); or a key type, with <paramref name="Keys"/>.</param>
    /// <param name="Annotations">Annotations to show (the key values of a key column), or <see langword="null"/>.</param>
    /// <param name="Keys">For a key column, the key of each of the column's distinct texts (0 for a missing one).</param>
    public readonly record struct Column(string Name, StoredColumn Values, DataViewType Type, DataViewSchema.Annotations? Annotations = null, uint[]? Keys = null);

    /// <summary>Gets the rows shown, in order, or <see langword="null"/> for all.</summary>
    internal int[]? Rows => _rows;

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
            var (_, values, type, _, keys) = view._columns[column.Index];
            Delegate getter = type switch
            {
                TextDataViewType => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = values.Text(_row)),
                KeyDataViewType => (ValueGetter<uint>)((ref uint value) => value = keys![values.Codes![_row]]),
                _ when values.Numbers is { } numbers => (ValueGetter<float>)((ref float value) => value = numbers[_row]),
                _ => (ValueGetter<float>)((ref float value) => value = values.Number(_row)),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"The column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
        }
    }
}
