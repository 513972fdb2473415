using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>A CSV/TSV file read once through ML.NET's <c>TextLoader</c> (quoting on): its columns, its row count and what each column holds.</summary>
/// <remarks>Every read of a data file goes through this class, so the header, the checks, the column inference and the training data
/// all see the fields exactly as <c>TextLoader</c> splits them (quoted fields, CRLF, a UTF-8 BOM). Errors name the file, the column and
/// the line as the file numbers it. Without a header the columns are named <c>column1</c>, <c>column2</c>, …</remarks>
public sealed class DelimitedFile
{
    /// <summary>The most columns a header may have.</summary>
    public const int MaxColumns = 4096;

    /// <summary>The largest magnitude a number may have: its square must fit in single precision, which every ML.NET trainer uses.</summary>
    public static readonly float LargestUsableMagnitude = MathF.Sqrt(float.MaxValue);

    private const int BinaryProbeBytes = 4096;
    private const string ExtraColumn = "\u0001extra";

    private DelimitedFile(string path, char separator, bool hasHeader, string[] columnNames, int rowCount, ColumnProfile[] profiles)
    {
        FilePath = path;
        Separator = separator;
        HasHeader = hasHeader;
        ColumnNames = columnNames;
        RowCount = rowCount;
        Profiles = profiles;
    }

    /// <summary>Gets the file path.</summary>
    public string FilePath { get; }

    /// <summary>Gets the field separator.</summary>
    public char Separator { get; }

    /// <summary>Gets whether the first line is a header.</summary>
    public bool HasHeader { get; }

    /// <summary>Gets the column names, in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Gets the number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>Gets what the scan found in each column, in file order.</summary>
    public IReadOnlyList<ColumnProfile> Profiles { get; }

    /// <summary>Returns the separator a file name suggests: a tab for .tsv and .tab, a comma otherwise.</summary>
    public static char InferSeparator(string path) =>
        path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tab", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';

    /// <summary>Reads the header and scans every row.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The field separator, or <see langword="null"/> to infer it from the extension.</param>
    /// <param name="hasHeader">Whether the first line names the columns.</param>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, binary, its header is malformed, or a row has more
    /// fields than the header (the message names the line).</exception>
    public static DelimitedFile Read(string path, char? separator = null, bool hasHeader = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        char sep = separator ?? InferSeparator(path);
        if (Directory.Exists(path))
            throw new DataFileException(path, 0, $"'{path}' is a directory, not a data file.");
        if (!File.Exists(path))
            throw new DataFileException(path, 0, $"The data file '{path}' does not exist (full path: {Path.GetFullPath(path)}).");
        try
        {
            CheckText(path);
            var ml = new MLContext(0);
            string[] names = ReadHeader(ml, path, sep, hasHeader);
            var profiles = names.Select((n, i) => new ColumnProfile(n, i)).ToArray();
            var file = new DelimitedFile(path, sep, hasHeader, names, 0, profiles);
            int rows = file.Scan(ml);
            if (rows == 0)
                throw new DataFileException(path, 0, $"The data file '{path}' has no data rows.");
            return new DelimitedFile(path, sep, hasHeader, names, rows, profiles);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, 0, $"The data file '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Returns the index of a column.</summary>
    /// <exception cref="ArgumentException">There is no such column; the message lists the columns (and suggests a separator when the
    /// header looks like one unsplit field).</exception>
    public int IndexOf(string columnName, string role = "label")
    {
        for (int i = 0; i < ColumnNames.Count; i++)
        {
            if (ColumnNames[i] == columnName)
                return i;
        }
        string hint = ColumnNames.Count == 1 ? SeparatorHint(ColumnNames[0]) : "";
        throw new ArgumentException(
            $"The {role} column '{columnName}' is not in '{FilePath}'. Its columns are: {string.Join(", ", ColumnNames.Select(c => $"'{c}'"))}.{hint}", "columnName");
    }

    /// <summary>Gets the profile of a column.</summary>
    /// <exception cref="ArgumentException">There is no such column; the message lists the columns.</exception>
    public ColumnProfile Profile(string columnName, string role = "label") => Profiles[IndexOf(columnName, role)];

    /// <summary>Loads the named columns (numbers as Single with empty cells as NaN, the rest as text) as an <see cref="IDataView"/>.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="columns">The columns to load and their kinds (<see cref="DataKind.Single"/> or <see cref="DataKind.String"/>); their order in the file does not matter.</param>
    public IDataView Load(MLContext mlContext, IEnumerable<(string Name, DataKind Kind)> columns)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(columns);
        var loaderColumns = columns.Select(c => new TextLoader.Column(c.Name, c.Kind, IndexOf(c.Name, "data"))).ToArray();
        return CreateLoader(mlContext, Separator, HasHeader, loaderColumns).Load(FilePath);
    }

    /// <summary>Returns the line of the file (1-based, as an editor numbers it) that holds a data row.</summary>
    /// <param name="row">The 0-based data row, in the order the loader reads them.</param>
    public int LineOf(long row)
    {
        long seen = HasHeader ? -1 : 0;
        int line = 0;
        foreach (string text in File.ReadLines(FilePath))
        {
            line++;
            if (IsSkippedLine(text))
                continue;
            if (seen == row)
                return line;
            seen++;
        }
        return line;
    }

    /// <summary>Returns the lines that hold the data rows, in order (the header and the lines the loader skips left out).</summary>
    public IEnumerable<string> DataLines()
    {
        bool header = HasHeader;
        foreach (string text in File.ReadLines(FilePath))
        {
            if (IsSkippedLine(text))
                continue;
            if (header)
            {
                header = false;
                continue;
            }
            yield return text;
        }
    }

    /// <summary>Returns the header line as it is in the file.</summary>
    public string HeaderLine() => File.ReadLines(FilePath).First(l => !IsSkippedLine(l));

    /// <summary>Makes the error for one bad cell: the file, the line, the column, the value and the problem (with a separator hint when
    /// the value holds another common separator).</summary>
    public DataFileException CellError(string columnName, long row, string text, string problem)
    {
        int line = LineOf(row);
        return new DataFileException(FilePath, line,
            $"{FilePath}, line {line}, column '{columnName}': '{Excerpt(text)}' {problem}{SeparatorHint(text)}");
    }

    /// <summary>Whether ML.NET's <c>TextLoader</c> skips a line: it is empty or starts with <c>//</c>.</summary>
    internal static bool IsSkippedLine(string line) => line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal);

    internal static bool IsMissingToken(ReadOnlySpan<char> cell) =>
        cell.Length == 0 || cell is "?" || cell.Equals("NA", StringComparison.OrdinalIgnoreCase) || cell.Equals("N/A", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase) || cell.Equals("null", StringComparison.OrdinalIgnoreCase);

    private string SeparatorHint(string text)
    {
        foreach (char c in ",;\t|")
        {
            if (c != Separator && text.Contains(c))
                return $" Is the separator right? It is {Show(Separator)}, but the text holds {Show(c)}: give that separator (--separator {(c == '\t' ? "tab" : c.ToString())}).";
        }
        return "";
    }

    private static string Show(char c) => c == '\t' ? "a tab" : $"'{c}'";

    private static string Excerpt(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static TextLoader CreateLoader(MLContext ml, char sep, bool hasHeader, TextLoader.Column[] columns) =>
        ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = [sep],
            HasHeader = hasHeader,
            AllowQuoting = true,
            TrimWhitespace = true,
            MissingRealsAsNaNs = true,
            Columns = columns,
        });

    /// <summary>Refuses a binary file with a short printable excerpt of its first bytes instead of pages of garbage.</summary>
    private static void CheckText(string path)
    {
        var buffer = new byte[BinaryProbeBytes];
        int n;
        using (var stream = File.OpenRead(path))
            n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        int control = 0;
        for (int i = 0; i < n; i++)
        {
            byte b = buffer[i];
            if (b == 0)
            {
                control = n;
                break;
            }
            if (b < 32 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n' and not 0x0c)
                control++;
        }
        if (n > 0 && control * 10 > n)
        {
            var excerpt = new StringBuilder();
            for (int i = 0; i < Math.Min(n, 24); i++)
                excerpt.Append(buffer[i] is >= 32 and < 127 ? (char)buffer[i] : '.');
            throw new DataFileException(path, 0,
                $"'{path}' is not a text CSV/TSV file: it is binary (it starts with \"{excerpt}\"). Give a comma- or tab-separated text file.");
        }
    }

    private static string[] ReadHeader(MLContext ml, string path, char sep, bool hasHeader)
    {
        var loader = CreateLoader(ml, sep, hasHeader: false, [new TextLoader.Column("fields", DataKind.String, 0, MaxColumns - 1)]);
        var view = loader.Load(path);
        using var cursor = view.GetRowCursor(view.Schema);
        if (!cursor.MoveNext())
            throw new DataFileException(path, 0, $"The data file '{path}' is empty.");
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(view.Schema[0]);
        VBuffer<ReadOnlyMemory<char>> fields = default;
        getter(ref fields);
        var values = fields.DenseValues().Select(f => f.ToString()).ToArray();
        int count = Array.FindLastIndex(values, v => v.Length > 0) + 1;
        if (count == 0)
            throw new DataFileException(path, 1, $"{path}: the first line has no fields.");
        if (!hasHeader)
            return Enumerable.Range(1, count).Select(i => $"column{i}").ToArray();
        var names = values[..count];
        int line = File.ReadLines(path).TakeWhile(IsSkippedLine).Count() + 1;
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
                throw new DataFileException(path, line, $"{path}, line {line} (header): column {i + 1} has no name.");
            if (Array.IndexOf(names, names[i]) != i)
                throw new DataFileException(path, line, $"{path}, line {line} (header): the column name '{names[i]}' appears twice.");
        }
        return names;
    }

    /// <summary>One pass over every row: fills the profiles and refuses a row with more fields than the header.</summary>
    private int Scan(MLContext ml)
    {
        int k = ColumnNames.Count;
        var columns = ColumnNames.Select((n, i) => new TextLoader.Column($"c{i}", DataKind.String, i))
            .Append(new TextLoader.Column(ExtraColumn, DataKind.String, k)).ToArray();
        var view = CreateLoader(ml, Separator, HasHeader, columns).Load(FilePath);
        using var cursor = view.GetRowCursor(view.Schema);
        var getters = Enumerable.Range(0, k + 1).Select(i => cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[i])).ToArray();
        var scanners = Profiles.Select(p => new ColumnScanner(p)).ToArray();
        ReadOnlyMemory<char> cell = default;
        long row = 0;
        while (cursor.MoveNext())
        {
            for (int j = 0; j < k; j++)
            {
                getters[j](ref cell);
                scanners[j].Observe(cell.Span, row);
            }
            getters[k](ref cell);
            if (!cell.IsEmpty)
            {
                int line = LineOf(row);
                throw new DataFileException(FilePath, line,
                    $"{FilePath}, line {line}: more fields than the {k} columns of the {(HasHeader ? "header" : "first line")} (field {k + 1} is '{Excerpt(cell.ToString())}'). " +
                    $"A field holding the separator must be quoted (\"a, b\").{SeparatorHint(cell.ToString())}");
            }
            row++;
        }
        foreach (var s in scanners)
            s.Finish();
        return checked((int)row);
    }
}
