using System.Text;
using System.Text.Unicode;

namespace MlNetGd.Data;

/// <summary>The one pass over a data file's bytes, before the pass that holds its rows: it counts the lines (an upper bound on the
/// rows, so each held column is allocated once) and refuses what the loader would read silently wrong: a NUL byte, or bytes that are
/// not UTF-8.</summary>
/// <remarks>Bytes, not a parse: ML.NET's <c>TextLoader</c> still reads every field. The counts and the UTF-8 check are vectorized and
/// run at about the speed the file is read from the page cache.</remarks>
internal static class FileBytes
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Counts the line breaks of a file (a lone CR, a LF or a CRLF each end a line, as the loader reads them) and checks its bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">How messages name it.</param>
    /// <exception cref="DataFileException">The file holds a NUL byte or bytes that are not UTF-8 (the message names the line).</exception>
    public static int CountLines(string path, string name)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[ChunkBytes + 4];
        long lines = 1;
        bool crAtEnd = false;
        int carry = 0;
        while (true)
        {
            int n = stream.Read(buffer, carry, ChunkBytes);
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
                int line = LineNumber(lines, part[..nul], crAtEnd);
                throw new DataFileException(name, line,
                    $"{name}, line {line}: holds a NUL byte, which a text CSV/TSV file has none of: the file is binary, UTF-16 or damaged.");
            }
            if (!Utf8.IsValid(part))
            {
                int at = FirstInvalid(part);
                int line = LineNumber(lines, part[..at], crAtEnd);
                throw new DataFileException(name, line,
                    $"{name}, line {line}: holds bytes that are not UTF-8 (0x{part[at]:X2}), so its text would be read wrong: the file looks like " +
                    "Latin-1 or Windows-1252 text. Convert it to UTF-8 (for example: iconv -f windows-1252 -t utf-8 in.csv > out.csv).");
            }
            lines = Line(lines, part, crAtEnd);
            crAtEnd = complete > 0 ? part[^1] == '\r' : crAtEnd;
            carry = length - complete;
            span[complete..].CopyTo(buffer);
            if (n == 0)
                break;
        }
        return (int)Math.Min(lines, Array.MaxLength);
    }

    /// <summary>The line a byte is on: <paramref name="lines"/> (the line the text starts on) plus the line breaks in it.</summary>
    private static long Line(long lines, ReadOnlySpan<byte> text, bool crBefore) =>
        text.IsEmpty ? lines
            : lines + text.Count((byte)'\n') + text.Count((byte)'\r') - text.Count("\r\n"u8) - (crBefore && text[0] == '\n' ? 1 : 0);

    private static int LineNumber(long lines, ReadOnlySpan<byte> text, bool crBefore) => (int)Math.Min(Line(lines, text, crBefore), int.MaxValue);

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
