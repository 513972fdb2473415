using System.Text;
using System.Text.Unicode;

namespace MlNetGd.Data;

/// <summary>The one pass over a data file's bytes, before the pass that holds its rows: it counts the lines (an upper bound on the
/// rows, so each held column is allocated once) and refuses what the loader would read silently wrong: a NUL byte, bytes that are
/// not UTF-8, or a quoted field that holds a line break (the loader reads one line per row, so such a field splits its row in two).</summary>
/// <remarks>Bytes, not a parse: ML.NET's <c>TextLoader</c> still reads every field. The counts and the UTF-8 check are vectorized and
/// run at about the speed the file is read from the page cache.</remarks>
internal static class FileBytes
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Counts the line breaks of a file (a lone CR, a LF or a CRLF each end a line, as the loader reads them) and checks its bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">How messages name it.</param>
    /// <param name="separator">The field separator: a field that starts with a quote after it (or at a line's start) must close on its line.</param>
    /// <exception cref="DataFileException">The file holds a NUL byte, bytes that are not UTF-8, or a quoted field that a line break
    /// cuts (the message names the line).</exception>
    public static int CountLines(string path, string name, char separator)
    {
        var quotes = new QuotedFields(separator);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[ChunkBytes + 4];
        long lines = 1;
        bool crAtEnd = false;
        int carry = 0;
        var head = new LineHead();
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
            int cut = FirstCutField(ref quotes, part, head);
            if (cut >= 0)
            {
                int line = LineNumber(lines, part[..cut], crAtEnd);
                throw new DataFileException(name, line,
                    $"{name}, line {line}: a quoted field starts on this line and is not closed before the line ends. A line break inside " +
                    "quotes is not supported (each line is one row): remove the line breaks from quoted fields, or close the quote.");
            }
            head = head.After(part);
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

    /// <summary>The first line break inside a quoted field, or -1; a quote on a <c>//</c> line (one the loader skips) is no field,
    /// also when the line started in an earlier chunk (<paramref name="head"/>: its first bytes).</summary>
    private static int FirstCutField(ref QuotedFields quotes, ReadOnlySpan<byte> part, LineHead head)
    {
        for (int offset = 0; ;)
        {
            int cut = quotes.FirstCutField(part[offset..]);
            if (cut < 0)
                return -1;
            cut += offset;
            int lineStart = part[..cut].LastIndexOfAny((byte)'\n', (byte)'\r') + 1;
            if (!(lineStart > 0 ? part[lineStart..].StartsWith("//"u8) : head.StartsComment(part)))
                return cut;
            quotes = new QuotedFields(quotes.Separator);
            offset = cut;
        }
    }

    /// <summary>The first two bytes (or fewer, when it has no more yet) of the line still open at the end of the chunks read so far:
    /// a line can start in one 1 MB chunk and reach its line break in the next, so whether it is a <c>//</c> line is carried over.</summary>
    private readonly record struct LineHead(int Length, byte First, byte Second)
    {
        /// <summary>Whether the open line, continued by <paramref name="next"/> (the next chunk), starts with <c>//</c>.</summary>
        public bool StartsComment(ReadOnlySpan<byte> next) => Length switch
        {
            0 => next.StartsWith("//"u8),
            1 => First == '/' && next.StartsWith("/"u8),
            _ => First == '/' && Second == '/',
        };

        /// <summary>The head of the line open at the end of <paramref name="part"/>, the chunk after the one this head was taken at.</summary>
        public LineHead After(ReadOnlySpan<byte> part)
        {
            int lastBreak = part.LastIndexOfAny((byte)'\n', (byte)'\r');
            if (lastBreak >= 0)
            {
                var open = part[(lastBreak + 1)..];
                return new LineHead(Math.Min(open.Length, 2), open.Length > 0 ? open[0] : (byte)0, open.Length > 1 ? open[1] : (byte)0);
            }
            return Length switch
            {
                0 => new LineHead(Math.Min(part.Length, 2), part.Length > 0 ? part[0] : (byte)0, part.Length > 1 ? part[1] : (byte)0),
                1 => part.IsEmpty ? this : this with { Length = 2, Second = part[0] },
                _ => this,
            };
        }
    }

    /// <summary>Follows the loader's quoting over the bytes, chunk after chunk: a field that starts with <c>"</c> runs to the next
    /// <c>"</c> not doubled; a quote inside an unquoted field (<c>5" pipe</c>) is a letter.</summary>
    private struct QuotedFields(char separator)
    {
        private bool _inQuotes;
        private bool _fieldStart = true;
        private bool _quoteAtEnd; // a quote inside quotes, just read: the next byte (maybe in the next chunk) says whether it was doubled

        /// <summary>Returns the index of the first line break inside a quoted field, or -1.</summary>
        public int FirstCutField(ReadOnlySpan<byte> text)
        {
            if (!_inQuotes && !_quoteAtEnd && text.IndexOf((byte)'"') < 0)
            {
                // No quote: only whether the chunk ends at a field's start matters (the vectorized search keeps the pass fast).
                if (!text.IsEmpty)
                    _fieldStart = IsFieldEnd(text[^1]) || (_fieldStart && text.IndexOfAnyExcept((byte)' ') < 0);
                return -1;
            }
            for (int i = 0; i < text.Length; i++)
            {
                byte b = text[i];
                if (_quoteAtEnd)
                {
                    _quoteAtEnd = false;
                    if (b == '"')
                        continue; // "" inside quotes: an escaped quote
                    _inQuotes = false;
                }
                if (_inQuotes)
                {
                    if (b == '"')
                        _quoteAtEnd = true;
                    else if (b is (byte)'\n' or (byte)'\r')
                        return i;
                }
                else if (_fieldStart && b == '"')
                {
                    _inQuotes = true;
                    _fieldStart = false;
                }
                else
                {
                    _fieldStart = IsFieldEnd(b) || (_fieldStart && b == ' ');
                }
            }
            return -1;
        }

        public readonly char Separator => separator;

        private readonly bool IsFieldEnd(byte b) => b == separator || b == '\n' || b == '\r';
    }

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
