using System.Text;

namespace MlNetGd.Data;

/// <summary>Where a data file's records sit among its lines, as ML.NET's <c>TextLoader</c> reads them: from the byte pass
/// (<see cref="FileBytes"/>), the line count and the lines that end inside a quoted field (the loader joins each with the next).</summary>
/// <remarks>The one place that turns a record (the header, or a data row by its 0-based index) into the line an editor shows: a record
/// is named by the line it starts on.</remarks>
internal sealed class LineMap(int count, int[] continued)
{
    /// <summary>Gets the number of lines (an upper bound on the records).</summary>
    public int Count => count;

    /// <summary>Gets whether some quoted field holds a line break, so the loader must read records that span lines.</summary>
    public bool Multiline => continued.Length > 0;

    /// <summary>Returns every record the loader reads, the header included, with the line it starts on; a record that spans lines
    /// has them joined with <c>\n</c>, as the loader joins them. Skipped as the loader skips them: empty lines, lines starting with
    /// <c>//</c>, and before the first record lines starting with <c>#</c>.</summary>
    public IEnumerable<(int Line, string Text)> Records(string path)
    {
        int line = 0, next = 0;
        bool seen = false;
        using var lines = File.ReadLines(path).GetEnumerator();
        while (lines.MoveNext())
        {
            string text = lines.Current;
            line++;
            if (text.Length == 0 || text.StartsWith("//", StringComparison.Ordinal) || (!seen && text[0] == '#'))
                continue;
            seen = true;
            int first = line;
            while (next < continued.Length && continued[next] < line)
                next++;
            if (next < continued.Length && continued[next] == line)
            {
                var record = new StringBuilder(text);
                while (next < continued.Length && continued[next] == line && lines.MoveNext())
                {
                    record.Append('\n').Append(lines.Current);
                    line++;
                    next++;
                }
                text = record.ToString();
            }
            yield return (first, text);
        }
    }
}
