using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>Reads a data file's first record into column names with ML.NET's <c>TextLoader</c> (quoting, separators) and checks them:
/// none empty (but the first, pandas' index), none twice, none holding a line break, at most <see cref="DelimitedFile.MaxColumns"/>;
/// spaces around a name are trimmed. It also refuses a binary file (<see cref="CheckText"/>).</summary>
internal static class HeaderReader
{
    private const int BinaryProbeBytes = 4096;

    /// <summary>The name of a first column whose header cell is empty: the index pandas' <c>to_csv</c> writes, named as <c>read_csv</c> names it.</summary>
    public const string PandasIndexName = "Unnamed: 0";

    /// <summary>Returns the column names (<c>column1</c>, <c>column2</c>, … without a header).</summary>
    /// <exception cref="DataFileException">The file is empty, or its header is malformed, holds a line break or is too wide.</exception>
    /// <param name="ml">The context.</param>
    /// <param name="path">The file.</param>
    /// <param name="name">How messages name it.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="hasHeader">Whether the first record names the columns.</param>
    /// <param name="lines">The file's records among its lines, from the byte pass.</param>
    public static string[] Read(MLContext ml, string path, string name, char separator, bool hasHeader, LineMap lines)
    {
        var (line, first) = lines.Records(path).FirstOrDefault();
        if (first is null)
            throw new DataFileException(name, 0, $"The data file '{name}' is empty.");
        // A column name that spans lines could not be given on a command line, nor shown on one line of a report.
        if (hasHeader && first.Contains('\n'))
            throw new DataFileException(name, line,
                $"{name}, line {line} (header): a quoted column name holds a line break (the header runs to line {line + first.Count(c => c == '\n')}). " +
                "Put every column name on one line.");
        string[] values = Split(ml, first, separator);
        int count = Array.FindLastIndex(values, v => v.Length > 0) + 1;
        if (count == 0)
            throw new DataFileException(name, line, $"{name}: the first line has no fields.");
        if (count > DelimitedFile.MaxColumns)
            throw new DataFileException(name, line, string.Create(CultureInfo.InvariantCulture,
                $"{name}, line {line} ({(hasHeader ? "header" : "first line")}): the {(hasHeader ? "header" : "first line")} has {count} columns; at most {DelimitedFile.MaxColumns} are supported."));
        if (!hasHeader)
            return Enumerable.Range(1, count).Select(i => $"column{i}").ToArray();
        // Spaces around a name are layout, not part of it (the loader trims a cell's leading ones only): ' y ' is 'y' everywhere.
        var names = values[..count].Select(v => v.Trim()).ToArray();
        // pandas' to_csv writes its index under an empty first name; read_csv names it so, and so does the plan.
        if (names.Length > 1 && names[0].Length == 0)
            names[0] = PandasIndexName;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
                throw new DataFileException(name, line, $"{name}, line {line} (header): column {i + 1} has no name.");
            // Two names that differ only in spaces would look the same in every report and option, so they are refused, not told apart.
            if (!seen.TryAdd(names[i], i))
                throw new DataFileException(name, line,
                    $"{name}, line {line} (header): columns {seen[names[i]] + 1} and {i + 1} are both named '{names[i]}' " +
                    "(spaces around a name do not count): rename one so that every column has its own name.");
        }
        return names;
    }

    /// <summary>Splits one record into its fields as <c>TextLoader</c> reads them: a loader over that record alone, with one column from
    /// the first field to the end of the record, so any number of fields is read.</summary>
    private static string[] Split(MLContext ml, string line, char separator)
    {
        var source = new LineSource(line);
        var loader = ml.Data.CreateTextLoader(DelimitedFile.LoaderOptions(separator, hasHeader: false,
            [new TextLoader.Column("fields", DataKind.String, [new TextLoader.Range(0, null)])], multiline: line.Contains('\n')), source);
        var view = loader.Load(source);
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(view.Schema[0]);
        VBuffer<ReadOnlyMemory<char>> fields = default;
        if (cursor.MoveNext())
            getter(ref fields);
        return fields.DenseValues().Select(f => f.ToString()).ToArray();
    }

    /// <summary>Refuses a binary file with a short printable excerpt of its first bytes instead of pages of garbage.</summary>
    /// <exception cref="DataFileException">The file is UTF-16 or binary.</exception>
    internal static void CheckText(string path, string name)
    {
        var buffer = new byte[BinaryProbeBytes];
        int n;
        using (var stream = File.OpenRead(path))
            n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (Utf16(buffer.AsSpan(0, n)) is { } order)
            throw new DataFileException(name, 0,
                $"'{name}' is text in UTF-16 ({order}); give a UTF-8 file (convert it, for example: iconv -f UTF-16 -t UTF-8 in.csv > out.csv).");
        int control = 0, nuls = 0;
        for (int i = 0; i < n; i++)
        {
            byte b = buffer[i];
            nuls += b == 0 ? 1 : 0;
            if (b < 32 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n' and not 0x0c)
                control++;
        }
        // A stray NUL or two among text is refused later, naming its line (FileBytes); binary data has many.
        if (n > 0 && (control * 10 > n || nuls >= 4))
        {
            var excerpt = new StringBuilder();
            for (int i = 0; i < Math.Min(n, 24); i++)
                excerpt.Append(buffer[i] is >= 32 and < 127 ? (char)buffer[i] : '.');
            throw new DataFileException(name, 0,
                $"'{name}' is not a text CSV/TSV file: it is binary (it starts with \"{excerpt}\"). Give a comma- or tab-separated text file.");
        }
    }

    /// <summary>Whether the first bytes are UTF-16 text: a byte-order mark, or a zero byte in nearly every pair (ASCII text in UTF-16).</summary>
    /// <returns>"little-endian" or "big-endian", or <see langword="null"/>.</returns>
    private static string? Utf16(ReadOnlySpan<byte> bytes)
    {
        if (bytes is [0xFF, 0xFE, ..])
            return "little-endian";
        if (bytes is [0xFE, 0xFF, ..])
            return "big-endian";
        int pairs = bytes.Length / 2, evenZeros = 0, oddZeros = 0;
        for (int i = 0; i + 1 < bytes.Length; i += 2)
        {
            evenZeros += bytes[i] == 0 ? 1 : 0;
            oddZeros += bytes[i + 1] == 0 ? 1 : 0;
        }
        return pairs < 8 ? null : oddZeros > 0.8 * pairs && evenZeros == 0 ? "little-endian" : evenZeros > 0.8 * pairs && oddZeros == 0 ? "big-endian" : null;
    }

    /// <summary>One record as a loader's source.</summary>
    private sealed class LineSource(string line) : IMultiStreamSource
    {
        public int Count => 1;

        public string? GetPathOrNull(int index) => null;

        public Stream Open(int index) => new MemoryStream(Encoding.UTF8.GetBytes(line + "\n"));

        public TextReader OpenTextReader(int index) => new StringReader(line + "\n");
    }
}
