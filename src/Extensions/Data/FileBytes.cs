using System.Text;
using System.Text.Unicode;

namespace MlNetGd.Data;

/// <summary>The one pass over a data file's bytes, before any parse: it counts the lines (an upper bound on the rows, so each held
/// column is allocated once), finds the line breaks that fall inside quoted fields (the records that span lines, which the loader then
/// reads with <c>ReadMultilines</c>), and refuses what the loader would read silently wrong or fail on: a NUL byte, bytes that are not
/// UTF-8, a quoted field still open at the end of the file, or one whose closing quote is followed by more than spaces before the
/// separator (a quoting error: the loader reads the cell as missing; spanning lines, a stray quote).</summary>
/// <remarks>Bytes, not a parse: ML.NET's <c>TextLoader</c> still reads every field. The counts and the UTF-8 check are vectorized and
/// run at about the speed the file is read from the page cache; lines without a quote are skipped by a vectorized search.</remarks>
internal static class FileBytes
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads the file's bytes once: its lines and the line breaks inside quoted fields.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">How messages name it.</param>
    /// <param name="separator">The field separator: a field that starts with a quote after it (or at a line's start) is quoted.</param>
    /// <exception cref="DataFileException">The file holds a NUL byte, bytes that are not UTF-8, or a quoted field that is never
    /// closed or whose closing quote is followed by more than spaces before the separator (the message names the line).</exception>
    public static LineMap Read(string path, string name, char separator) => Read(path, name, separator, ChunkBytes);

    /// <summary>As <see cref="Read(string, string, char)"/>, in chunks of <paramref name="chunkBytes"/> (tests cut fields with small chunks).</summary>
    internal static LineMap Read(string path, string name, char separator, int chunkBytes)
    {
        var quotes = new QuotedFields(separator);
        var continued = new List<int>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[chunkBytes + 4];
        int carry = 0;
        bool first = true;
        while (true)
        {
            int n = stream.Read(buffer, carry, chunkBytes);
            int length = carry + n;
            if (length == 0)
                break;
            var span = buffer.AsSpan(0, length);
            // A multi-byte character cut by the chunk's end is checked with the next chunk (at the end of the file it is invalid).
            int complete = n == 0 ? length : length - IncompleteTail(span);
            var part = span[..complete];
            int nul = part.IndexOf((byte)0);
            if (nul >= 0)
            {
                int line = LineNumber(quotes, part[..nul]);
                throw new DataFileException(name, line,
                    $"{name}, line {line}: holds a NUL byte, which a text CSV/TSV file has none of: the file is binary, UTF-16 or damaged.");
            }
            if (!Utf8.IsValid(part))
            {
                int at = FirstInvalid(part);
                int line = LineNumber(quotes, part[..at]);
                throw new DataFileException(name, line,
                    $"{name}, line {line}: holds bytes that are not UTF-8 (0x{part[at]:X2}), so its text would be read wrong: the file looks like " +
                    "Latin-1 or Windows-1252 text. Convert it to UTF-8 (for example: iconv -f windows-1252 -t utf-8 in.csv > out.csv).");
            }
            // The loader's reader drops a byte-order mark, so a header's first quote follows it.
            quotes.Read(first && part.StartsWith("\uFEFF"u8) ? part[3..] : part, continued);
            first &= part.IsEmpty;  // a mark cut by a chunk's end is carried whole to the next (it is one UTF-8 character)
            if (quotes.BadClose is var (start, close, next))
            {
                int line = (int)Math.Min(start, int.MaxValue);
                string shown = next is >= 0x21 and < 0x7F ? $"'{(char)next}'" : "another character";
                throw new DataFileException(name, line, start == close
                    ? $"{name}, line {line}: a quoted field's closing quote is followed by {shown} instead of the separator, so the loader would " +
                      "read the cell as missing. A quote inside a quoted field is written twice (\"\"); quote the whole cell (\"12\"\" pipe\") or none of it (12\" pipe)."
                    : $"{name}, line {line}: a quoted field starts on this line and runs to line {close}, where its closing quote is followed by {shown} " +
                      "instead of the separator: a quote is missing or one too many. A quote inside a quoted field is written twice (\"\").");
            }
            carry = length - complete;
            span[complete..].CopyTo(buffer);
            if (n == 0)
                break;
        }
        if (quotes.IsInQuotes)
        {
            int line = (int)Math.Min(quotes.QuoteLine, int.MaxValue);
            throw new DataFileException(name, line,
                $"{name}, line {line}: a quoted field starts on this line and is never closed: the quote runs to the end of the file. " +
                "Close the quote (a quote inside a quoted field is written twice: \"\"), or remove it.");
        }
        return new LineMap((int)Math.Min(quotes.Line, Array.MaxLength), [.. continued]);
    }

    /// <summary>The line a byte is on: the line the chunk starts on plus the line breaks before the byte.</summary>
    private static int LineNumber(QuotedFields quotes, ReadOnlySpan<byte> text) =>
        (int)Math.Min(quotes.Line + QuotedFields.Breaks(text, quotes.CrBefore), int.MaxValue);

    /// <summary>The bytes at the end that start a multi-byte character the span does not finish.</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> span)
    {
        for (int i = 1; i <= Math.Min(3, span.Length); i++)
        {
            byte b = span[^i];
            if ((b & 0xC0) == 0x80)
                continue;   // a continuation byte: look further back for the lead byte
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > i ? i : 0;
        }
        return 0;
    }

    private static int FirstInvalid(ReadOnlySpan<byte> text)
    {
        int at = 0;
        while (at < text.Length && Rune.DecodeFromUtf8(text[at..], out _, out int consumed) == System.Buffers.OperationStatus.Done)
            at += consumed;
        return at;
    }
}
