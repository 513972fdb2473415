using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>A checked CSV/TSV file of numbers: every row is read once and validated before ML.NET loads it.</summary>
/// <remarks>ML.NET's text loader turns a malformed value into a missing value silently; this class first checks that every row
/// has the header's field count and every field is a finite number, and names the line and column when one is not.
/// Without a header the columns are named <c>column1</c>, <c>column2</c>, …</remarks>
public sealed class DelimitedFile
{
    private DelimitedFile(string path, char separator, bool hasHeader, string[] columnNames, int rowCount)
    {
        FilePath = path;
        Separator = separator;
        HasHeader = hasHeader;
        ColumnNames = columnNames;
        RowCount = rowCount;
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

    /// <summary>Returns the separator a file name suggests: a tab for .tsv and .tab, a comma otherwise.</summary>
    public static char InferSeparator(string path) =>
        path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tab", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';

    /// <summary>Reads and checks the file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The field separator, or <see langword="null"/> to infer it from the extension.</param>
    /// <param name="hasHeader">Whether the first line names the columns.</param>
    /// <param name="requiredNumericColumns">Columns that must be numbers on every row, or <see langword="null"/> for every column.</param>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, or a row is malformed (the message names the line).</exception>
    public static DelimitedFile Read(string path, char? separator = null, bool hasHeader = true, IReadOnlyCollection<string>? requiredNumericColumns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        char sep = separator ?? InferSeparator(path);
        if (Directory.Exists(path))
            throw new DataFileException(path, 0, $"'{path}' is a directory, not a data file.");
        if (!File.Exists(path))
            throw new DataFileException(path, 0, $"The data file '{path}' does not exist (full path: {Path.GetFullPath(path)}).");
        try
        {
            using var reader = new StreamReader(path);
            return Check(reader, path, sep, hasHeader, requiredNumericColumns);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, 0, $"The data file '{path}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Returns the index of a column.</summary>
    /// <exception cref="ArgumentException">There is no such column; the message lists the columns.</exception>
    public int IndexOf(string columnName, string role = "label")
    {
        for (int i = 0; i < ColumnNames.Count; i++)
        {
            if (ColumnNames[i] == columnName)
                return i;
        }
        throw new ArgumentException(
            $"The {role} column '{columnName}' is not in '{FilePath}'. Its columns are: {string.Join(", ", ColumnNames)}.", "columnName");
    }

    /// <summary>Loads the file as an <see cref="IDataView"/> of Single columns named as in <see cref="ColumnNames"/>.</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <param name="columns">The columns to load, or <see langword="null"/> for all (use the ones <see cref="Read"/> checked).</param>
    public IDataView Load(MLContext mlContext, IReadOnlyCollection<string>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var loaderColumns = ColumnNames.Select((name, i) => (name, i)).Where(c => columns is null || columns.Contains(c.name))
            .Select(c => new TextLoader.Column(c.name, DataKind.Single, c.i)).ToArray();
        return mlContext.Data.LoadFromTextFile(FilePath, loaderColumns, Separator, HasHeader, allowQuoting: true, trimWhitespace: true);
    }

    private static DelimitedFile Check(StreamReader reader, string path, char sep, bool hasHeader, IReadOnlyCollection<string>? required)
    {
        string? line = reader.ReadLine();
        int lineNumber = 1;
        while (line is not null && line.Trim().Length == 0)
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        if (line is null)
            throw new DataFileException(path, 0, $"The data file '{path}' is empty.");
        string[] names;
        if (hasHeader)
        {
            names = line.Split(sep).Select(Unquote).ToArray();
            for (int i = 0; i < names.Length; i++)
            {
                if (names[i].Length == 0)
                    throw new DataFileException(path, lineNumber, $"{path}, line {lineNumber} (header): column {i + 1} has no name.");
                if (Array.IndexOf(names, names[i]) != i)
                    throw new DataFileException(path, lineNumber, $"{path}, line {lineNumber} (header): the column name '{names[i]}' appears twice.");
            }
            line = reader.ReadLine();
            lineNumber++;
        }
        else
        {
            names = Enumerable.Range(1, line.Split(sep).Length).Select(i => $"column{i}").ToArray();
        }
        bool[] check = names.Select(n => required is null || required.Contains(n)).ToArray();
        int rows = 0;
        for (; line is not null; line = reader.ReadLine(), lineNumber++)
        {
            if (line.Trim().Length == 0)
                continue;
            string[] fields = line.Split(sep);
            if (fields.Length != names.Length)
                throw new DataFileException(path, lineNumber,
                    $"{path}, line {lineNumber}: {fields.Length} fields where {names.Length} are expected ({(hasHeader ? "the header's count" : "the first line's count")}). " +
                    $"Is the separator '{(sep == '\t' ? "\\t" : sep.ToString())}' right?");
            for (int i = 0; i < fields.Length; i++)
            {
                if (!check[i])
                    continue;
                string text = Unquote(fields[i]);
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                    throw new DataFileException(path, lineNumber,
                        $"{path}, line {lineNumber}, column '{names[i]}': '{text}' is not a finite number.");
            }
            rows++;
        }
        if (rows == 0)
            throw new DataFileException(path, 0, $"The data file '{path}' has no data rows.");
        return new DelimitedFile(path, sep, hasHeader, names, rows);
    }

    private static string Unquote(string field)
    {
        string trimmed = field.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1] : trimmed;
    }
}
