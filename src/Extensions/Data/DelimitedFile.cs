using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>A CSV/TSV file read once through ML.NET's <c>TextLoader</c> (quoting on) and held in memory: its columns, its row count,
/// what each column holds, and the columns themselves as an <see cref="IDataView"/> (<see cref="Load"/>).</summary>
/// <remarks>
/// <para>Every read of a data file goes through this class, so the header, the checks, the column inference, training and scoring all
/// see the fields exactly as <c>TextLoader</c> splits them (quoted fields, also ones holding line breaks; CRLF, a UTF-8 BOM). Errors name
/// the file, the column and the line as the file numbers it (a record that spans lines by the line it starts on). Without a header the
/// columns are named <c>column1</c>, <c>column2</c>, …</para>
/// <para>How: the first <see cref="FileScan.SampleRows"/> rows decide whether each column is held as numbers (4 bytes a cell) or as
/// strings (each distinct text once, 4 bytes a cell); one pass over every row then holds and profiles every column. A column the
/// sample misjudged (numbers at first, many strings later), or that is later asked for in another form, is read again on its own.</para>
/// </remarks>
public sealed class DelimitedFile
{
    /// <summary>The most columns a file may have.</summary>
    public const int MaxColumns = 65_536;

    /// <summary>The largest magnitude a number may have: its square must fit in single precision, which every ML.NET trainer uses.</summary>
    public static readonly float LargestUsableMagnitude = MathF.Sqrt(float.MaxValue);

    private readonly HeldColumns _held;
    private Dictionary<string, int>? _indices;

    private DelimitedFile(string path, string name, char separator, bool hasHeader, string[] columnNames, char? decimalSeparator, LineMap lines)
    {
        Lines = lines;
        FilePath = path;
        Name = name;
        Separator = separator;
        HasHeader = hasHeader;
        ColumnNames = columnNames;
        DecimalSeparator = decimalSeparator;
        _held = new HeldColumns(this);
    }

    /// <summary>Gets the file path.</summary>
    public string FilePath { get; }

    /// <summary>Gets the file as messages name it: <see cref="FilePath"/>, or the input the user gave when the file is a copy of it
    /// (a pipe read into a temporary file).</summary>
    public string Name { get; }

    /// <summary>Gets the field separator.</summary>
    public char Separator { get; }

    /// <summary>Gets whether the first line is a header.</summary>
    public bool HasHeader { get; }

    /// <summary>Gets the decimal separator asked for, or <see langword="null"/> when each column's is found from its cells.</summary>
    public char? DecimalSeparator { get; }

    /// <summary>Gets where the records sit among the file's lines (from the byte pass).</summary>
    internal LineMap Lines { get; }

    /// <summary>Gets the column names, in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Gets the number of data rows.</summary>
    public int RowCount => _held.RowCount;

    /// <summary>Gets what the read found in each column, in file order (a column given as ignored is not profiled).</summary>
    public IReadOnlyList<ColumnProfile> Profiles => _held.Profiles;

    /// <summary>Gets the time spent reading the header and the leading rows that decide how columns are held.</summary>
    public TimeSpan SampleTime => _held.SampleTime;

    /// <summary>Gets the time of the one pass over every row, with the pass over the bytes before it.</summary>
    public TimeSpan ParseTime => _held.ParseTime;

    /// <summary>Gets the time spent reading columns again (a column the sample misjudged, or asked for in another form); usually zero.</summary>
    public TimeSpan RereadTime => _held.RereadTime;

    /// <summary>Returns the separator a file name suggests: a tab for .tsv and .tab, a comma otherwise.</summary>
    public static char InferSeparator(string path) =>
        path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tab", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';

    /// <summary>Reads the header and every row, holding the columns in memory.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The field separator, or <see langword="null"/> to infer it from the extension.</param>
    /// <param name="hasHeader">Whether the first line names the columns.</param>
    /// <param name="decimalSeparator">'.' or ',' for every number, or <see langword="null"/> to read a column with a decimal comma when
    /// most of its cells look like <c>1,5</c> and the field separator is not a comma.</param>
    /// <param name="kinds">Kinds the caller will give columns, or <see langword="null"/>: a column to ignore is neither profiled nor held,
    /// and one given as categorical or text is held as strings from the start.</param>
    /// <param name="name">How messages name the file (the input the user gave, when <paramref name="path"/> is a copy of it), or
    /// <see langword="null"/> for <paramref name="path"/>.</param>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, binary, UTF-16 or not UTF-8, holds a NUL byte or a quote
    /// never closed, its header is malformed, holds a line break or has more than <see cref="MaxColumns"/> columns, or a row has more fields
    /// than the header (the message names the line).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decimalSeparator"/> is neither '.' nor ','.</exception>
    public static DelimitedFile Read(string path, char? separator = null, bool hasHeader = true, char? decimalSeparator = null, ColumnOverrides? kinds = null,
        string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        name ??= path;
        if (decimalSeparator is not (null or '.' or ','))
            throw new ArgumentOutOfRangeException(nameof(decimalSeparator), decimalSeparator, "must be '.' or ','.");
        char sep = separator ?? InferSeparator(name);
        if (Directory.Exists(path))
            throw new DataFileException(name, 0, $"'{name}' is a directory, not a data file.");
        if (!File.Exists(path))
            throw new DataFileException(name, 0, $"The data file '{name}' does not exist (full path: {Path.GetFullPath(name)}).");
        try
        {
            HeaderReader.CheckText(path, name);
            var clock = Stopwatch.StartNew();
            // The bytes first: whether records span lines decides how every read below is made.
            var lines = FileBytes.Read(path, name, sep);
            var bytePass = clock.Elapsed;
            clock.Restart();
            var names = HeaderReader.Read(new MLContext(0), path, name, sep, hasHeader, lines);
            var file = new DelimitedFile(path, name, sep, hasHeader, names, decimalSeparator, lines);
            file._held.ReadAll(kinds, clock, bytePass);
            return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(name, 0, $"The data file '{name}' cannot be read: {e.Message.Replace(path, name, StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>Returns the index of a column (spaces around <paramref name="columnName"/> do not count, as in the header).</summary>
    /// <exception cref="ArgumentException">There is no such column; the message lists the columns (and suggests a separator when the
    /// header looks like one unsplit field).</exception>
    public int IndexOf(string columnName, string role = "label")
    {
        if (Indices.TryGetValue(columnName.Trim(), out int index))
            return index;
        throw new ArgumentException(
            $"The {role} column '{columnName}' is not in '{Name}'. Its columns are: {string.Join(", ", ColumnNames.Select(c => $"'{c}'"))}.{SeparatorHint()}", "columnName");
    }

    /// <summary>Returns whether the file has a column named <paramref name="columnName"/> (spaces around it do not count, as in
    /// <see cref="IndexOf"/>).</summary>
    public bool HasColumn(string columnName) => Indices.ContainsKey(columnName.Trim());

    // Each column's index by its name (trimmed and distinct: HeaderReader refuses two equal names), made at the first lookup: a file
    // of 65,536 columns whose every column is looked up would otherwise scan its names quadratically.
    private Dictionary<string, int> Indices => _indices ??= ColumnNames.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.Ordinal);

    /// <summary>For an error about a column that is not in the file: a hint (with a leading space) when the header looks like one
    /// unsplit field (a wrong separator), or an empty string.</summary>
    public string SeparatorHint() => ColumnNames.Count == 1 ? Hints.ForCell(ColumnNames[0], Separator) : "";

    /// <summary>Gets the profile of a column.</summary>
    /// <exception cref="ArgumentException">There is no such column; the message lists the columns.</exception>
    public ColumnProfile Profile(string columnName, string role = "label") => _held.Profiles[IndexOf(columnName, role)];

    /// <summary>Returns the named columns (numbers as Single with missing cells as NaN, the rest as text) as an <see cref="IDataView"/>
    /// over the rows held in memory; its row count is known.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="columns">The columns and their kinds (<see cref="DataKind.Single"/> or <see cref="DataKind.String"/>), in any order.</param>
    /// <param name="requiredColumn">A Single column whose missing values drop their rows, or <see langword="null"/> to keep every row.</param>
    /// <exception cref="ArgumentException">A column is not in the file, or a kind is neither Single nor String.</exception>
    public IDataView Load(MLContext mlContext, IEnumerable<(string Name, DataKind Kind)> columns, string? requiredColumn = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(columns);
        var asked = columns.Select(c => (c.Name, Index: IndexOf(c.Name, "data"), c.Kind)).ToList();
        if (asked.FirstOrDefault(c => c.Kind is not (DataKind.Single or DataKind.String)) is { Name: not null } bad)
            throw new ArgumentException($"The column '{bad.Name}' is asked for as {bad.Kind}; only Single and String are read.", nameof(columns));
        int? required = requiredColumn is null ? null : IndexOf(requiredColumn, "data");
        var missing = asked.Where(c => c.Kind == DataKind.String ? _held.Stored[c.Index] is not { HoldsText: true } : _held.Stored[c.Index] is null)
            .Select(c => c.Index).Concat(required is int r && _held.Stored[r] is null ? [r] : []).Distinct().ToArray();
        if (missing.Length > 0)
            _held.Reread(missing, j => asked.All(c => c.Index != j || c.Kind == DataKind.Single) && _held.Profiles[j].IsNumeric);
        int[]? rows = required is int index ? RowsWithValue(_held.Stored[index]!) : null;
        return new StoredColumnsView(asked.Select(c => new StoredColumnsView.Column(c.Name, _held.Stored[c.Index]!,
            c.Kind == DataKind.Single ? NumberDataViewType.Single : TextDataViewType.Instance)).ToList(), RowCount, rows);
    }

    /// <summary>Returns what a column holds (after <see cref="Load"/> has asked for it), or <see langword="null"/>.</summary>
    internal StoredColumn? Stored(string columnName) => _held.Stored[IndexOf(columnName, "data")];

    /// <summary>Returns the line of the file (1-based, as an editor numbers it) on which a data row starts.</summary>
    /// <param name="row">The 0-based data row, in the order the loader reads them.</param>
    public int LineOf(long row)
    {
        int line = 0;
        foreach (var record in Lines.Records(FilePath).Skip(HasHeader ? 1 : 0))
        {
            line = record.Line;
            if (row-- == 0)
                break;
        }
        return line;
    }

    /// <summary>Returns the data rows' text as the file holds them, in order (the header and the lines the loader skips left out); a
    /// row that spans lines has them joined with <c>\n</c>.</summary>
    public IEnumerable<string> DataLines() => Lines.Records(FilePath).Skip(HasHeader ? 1 : 0).Select(r => r.Text);

    /// <summary>Returns the header line as it is in the file.</summary>
    public string HeaderLine() => Lines.Records(FilePath).First().Text;

    /// <summary>Makes the error for one bad cell: the file, the line, the column, the value and the problem (with a hint when the
    /// value holds another common separator or looks like a number with a decimal comma).</summary>
    public DataFileException CellError(string columnName, long row, string text, string problem)
    {
        int line = LineOf(row);
        return new DataFileException(Name, line,
            $"{Name}, line {line}, column '{columnName}': '{Hints.Excerpt(text)}' {problem}{Hints.ForCell(text, Separator)}");
    }

    /// <summary>The loader options every read of a data file uses; <paramref name="multiline"/> when some quoted field holds a line
    /// break (only then: the loader's multi-line reader scans every line for quotes).</summary>
    internal static TextLoader.Options LoaderOptions(char separator, bool hasHeader, TextLoader.Column[] columns, bool multiline) => new()
    {
        Separators = [separator],
        HasHeader = hasHeader,
        AllowQuoting = true,
        TrimWhitespace = true,
        MissingRealsAsNaNs = true,
        // One thread: the loader's parsing threads made a pass several times slower on a busy 2-core machine (DESIGN.md).
        UseThreads = false,
        ReadMultilines = multiline,
        Columns = columns,
    };

    /// <summary>Holds the named columns as strings (reading them again if they are held as numbers), so their profile is that of
    /// their text: for a column the caller gives a categorical or text kind.</summary>
    internal void HoldAsText(IEnumerable<string> columns)
    {
        var again = columns.Select(c => IndexOf(c, "given")).Where(j => _held.Stored[j] is not { HoldsText: true }).Distinct().ToArray();
        if (again.Length > 0)
            _held.Reread(again, _ => false);
    }

    private int[]? RowsWithValue(StoredColumn column)
    {
        var rows = new List<int>(RowCount);
        for (int row = 0; row < RowCount; row++)
        {
            if (!float.IsNaN(column.Number(row)))
                rows.Add(row);
        }
        return rows.Count == RowCount ? null : [.. rows];
    }
}
