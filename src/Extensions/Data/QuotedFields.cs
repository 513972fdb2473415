namespace MlNetGd.Data;

/// <summary>Follows ML.NET's <c>TextLoader</c> quoting over a file's bytes, chunk after chunk, as its multi-line reader does
/// (<c>ReadMultilines</c>): which line breaks fall inside a quoted field (the loader joins those lines into one record), and on which
/// line the field still open at the end of the file started.</summary>
/// <remarks>The loader's rules: a field that starts with <c>"</c> (after spaces) runs to the next <c>"</c> not doubled; a quote inside
/// an unquoted field (<c>5" pipe</c>) is a letter; anything but spaces between a closing quote and the separator is a quoting error,
/// after which the rest of the line is not followed; an empty line, a line starting with <c>//</c>, and before the first record a line
/// starting with <c>#</c>, are skipped. Hand-written because the loader keeps its reader internal and counts records, not lines.</remarks>
internal struct QuotedFields(char separator)
{
    private LineMode _mode;             // where the line outside quotes is (Start also after a line break inside no quotes)
    private bool _seenRecord;           // a record has ended: '#' lines are no longer skipped
    private bool _fieldStart = true;    // only spaces since the last separator or line start
    private bool _inQuotes;
    private bool _quoteAtEnd;           // a quote inside quotes, just read: the next byte says whether it was doubled
    private bool _afterClose;           // a quoted field closed: only spaces may come before the separator
    private bool _crBefore;             // the last byte was a CR: a LF next ends the same line

    private enum LineMode : byte { Start, Slash, Fields, Skip }

    /// <summary>Gets the 1-based line the next byte is on.</summary>
    public long Line { get; private set; } = 1;

    /// <summary>Gets the line on which the quoted field open now started (meaningful while <see cref="IsInQuotes"/>).</summary>
    public long QuoteLine { get; private set; }

    /// <summary>Gets the first quoted field whose closing quote is followed by another byte than a space or the separator (a quoting
    /// error of the loader's), or <see langword="null"/>: its first line, the line it closes on and the byte.</summary>
    /// <remarks>The loader reads such a field as missing, whatever it holds (<c>"12" pipe</c>: not 12, nor the text). Spanning lines, it
    /// is most likely a stray or a missing quote that joined lines into one record, the lines between read as part of the field.</remarks>
    public (long Start, long Close, byte Next)? BadClose { get; private set; }

    /// <summary>Gets whether the bytes so far end inside a quoted field (the file would end with it unterminated).</summary>
    public readonly bool IsInQuotes => _inQuotes && !_quoteAtEnd;

    /// <summary>Gets whether the bytes so far end just after a CR (for a LF that may start the next chunk).</summary>
    public readonly bool CrBefore => _crBefore;

    /// <summary>Reads the next bytes of the file; each line that ends inside a quoted field is added to <paramref name="continued"/>.</summary>
    public void Read(ReadOnlySpan<byte> text, List<int> continued)
    {
        for (int pos = 0; pos < text.Length;)
        {
            if (_mode == LineMode.Start && _seenRecord)
            {
                // At a line's start outside quotes: lines up to the last break before the next quote cannot change the state (vectorized).
                int quote = text[pos..].IndexOf((byte)'"');
                var plain = quote < 0 ? text[pos..] : text.Slice(pos, quote);
                int lastBreak = plain.LastIndexOfAny((byte)'\n', (byte)'\r');
                if (lastBreak >= 0)
                {
                    Line += Breaks(plain[..(lastBreak + 1)], _crBefore);
                    _crBefore = plain[lastBreak] == '\r';
                    pos += lastBreak + 1;
                    continue;
                }
            }
            pos = ReadLine(text, pos, continued);
        }
    }

    /// <summary>The line breaks in <paramref name="text"/> (a lone CR, a LF or a CRLF each end a line, as the loader reads them).</summary>
    public static long Breaks(ReadOnlySpan<byte> text, bool crBefore) =>
        text.IsEmpty ? 0
            : text.Count((byte)'\n') + text.Count((byte)'\r') - text.Count("\r\n"u8) - (crBefore && text[0] == '\n' ? 1 : 0);

    /// <summary>Reads byte by byte up to the end of the first line that ends outside quotes (or of the text); returns where it stopped.</summary>
    private int ReadLine(ReadOnlySpan<byte> text, int pos, List<int> continued)
    {
        for (; pos < text.Length; pos++)
        {
            byte b = text[pos];
            bool lf = b == '\n';
            if (lf && _crBefore)
            {
                _crBefore = false;  // the LF of a CRLF: the CR ended the line
                continue;
            }
            _crBefore = b == '\r';
            if (lf || _crBefore)
            {
                if (IsInQuotes)
                {
                    continued.Add((int)Math.Min(Line, int.MaxValue));
                    Line++;
                    continue;
                }
                EndLine();
                return pos + 1;
            }
            Read(b);
        }
        return pos;
    }

    private void Read(byte b)
    {
        if (_quoteAtEnd)
        {
            _quoteAtEnd = false;
            if (b == '"')
                return; // "" inside quotes: an escaped quote
            _inQuotes = false;
            _afterClose = true;
        }
        if (_inQuotes)
        {
            _quoteAtEnd = b == '"';
            return;
        }
        switch (_mode)
        {
            case LineMode.Skip:
                return;
            case LineMode.Start:
                _mode = b == '/' ? LineMode.Slash : !_seenRecord && b == '#' ? LineMode.Skip : LineMode.Fields;
                if (_mode != LineMode.Fields)
                    return;
                break;
            case LineMode.Slash:
                _mode = b == '/' ? LineMode.Skip : LineMode.Fields;
                _fieldStart = false; // the '/' began an unquoted field
                if (_mode == LineMode.Skip)
                    return;
                break;
        }
        bool space = b == ' ' && separator != ' ';
        if (_afterClose)
        {
            if (space)
                return;
            _afterClose = false;
            _fieldStart = b == separator;
            if (!_fieldStart)
            {
                _mode = LineMode.Skip; // a quoting error: the loader does not follow the rest of the line
                BadClose ??= (QuoteLine, Line, b);
            }
            return;
        }
        if (_fieldStart && b == '"')
        {
            _inQuotes = true;
            _fieldStart = false;
            QuoteLine = Line;
            return;
        }
        _fieldStart = b == separator || (_fieldStart && space);
    }

    private void EndLine()
    {
        _seenRecord |= _mode is LineMode.Fields or LineMode.Slash;   // not an empty, '//' or leading '#' line
        Line++;
        _mode = LineMode.Start;
        _fieldStart = true;
        _inQuotes = false;
        _quoteAtEnd = false;
        _afterClose = false;
    }
}
