using System.Diagnostics;

namespace MlNetGd.Cli;

/// <summary>Where a command's progress goes on stderr: nothing (<c>--quiet</c>), every line (<c>--verbose</c>), one status line
/// overwritten in place (a terminal), or only the records, one line each (stderr redirected to a file or a pipe).</summary>
/// <remarks>Records are the lines worth keeping (one per trainer and fold); status is what is happening now (a fold starting, a
/// trainer fitting, an epoch). Dispose the sink before printing results, so the status line is cleared first.</remarks>
internal sealed class ProgressSink : IDisposable
{
    /// <summary>The least time between two redraws of the status line.</summary>
    public static readonly TimeSpan DefaultRedrawInterval = TimeSpan.FromMilliseconds(50);

    private readonly TextWriter _error;
    private readonly string _prefix;
    private readonly int _width;
    private readonly TimeSpan _redrawInterval;
    private readonly Stopwatch _sinceRedraw = new();
    private bool _statusShown;

    private ProgressSink(TextWriter error, string prefix, ProgressMode mode, int width, TimeSpan redrawInterval)
    {
        _error = error;
        _prefix = prefix;
        Mode = mode;
        _width = width;
        _redrawInterval = redrawInterval;
    }

    /// <summary>Gets how progress is shown.</summary>
    public ProgressMode Mode { get; }

    /// <summary>Gets the callback for records (one line per trainer and fold), or <see langword="null"/> when they are not shown.</summary>
    public Action<string>? Record => Mode switch
    {
        ProgressMode.Verbose or ProgressMode.Lines => WriteLine,
        ProgressMode.StatusLine => Redraw,
        _ => null,
    };

    /// <summary>Gets the callback for status (fold, fitting, epoch), or <see langword="null"/> when it is not shown.</summary>
    public Action<string>? Status => Mode switch
    {
        ProgressMode.Verbose => WriteLine,
        ProgressMode.StatusLine => Redraw,
        _ => null,
    };

    /// <summary>Chooses the mode from the flags and whether <paramref name="error"/> is a terminal.</summary>
    /// <param name="error">Where progress goes.</param>
    /// <param name="verb">The command, shown as a <c>[verb]</c> prefix.</param>
    /// <param name="quiet">--quiet: nothing.</param>
    /// <param name="verbose">--verbose: every record and status as its own line.</param>
    /// <param name="terminal">Whether <paramref name="error"/> is an interactive terminal, and its width in characters (0 if unknown).</param>
    /// <param name="redrawInterval">The least time between redraws of the status line.</param>
    public static ProgressSink Create(TextWriter error, string verb, bool quiet, bool verbose, (bool IsTerminal, int Width) terminal, TimeSpan redrawInterval)
    {
        var mode = quiet ? ProgressMode.Quiet : verbose ? ProgressMode.Verbose : terminal.IsTerminal ? ProgressMode.StatusLine : ProgressMode.Lines;
        return new ProgressSink(error, $"[{verb}] ", mode, terminal.Width, redrawInterval);
    }

    /// <summary>Whether <paramref name="error"/> is this process's stderr on an interactive terminal, and the terminal's width.</summary>
    public static (bool IsTerminal, int Width) Terminal(TextWriter error)
    {
        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
            return (false, 0);
        try
        {
            return (true, Console.WindowWidth);
        }
        catch (IOException)
        {
            return (true, 0);
        }
    }

    /// <summary>Clears the status line, if one is shown.</summary>
    public void Dispose()
    {
        if (_statusShown)
            _error.Write("\r\u001b[K");
        _statusShown = false;
    }

    private void WriteLine(string line) => _error.WriteLine(_prefix + line);

    private void Redraw(string text)
    {
        if (_statusShown && _sinceRedraw.Elapsed < _redrawInterval)
            return;
        string line = _prefix + text;
        if (_width > 1 && line.Length >= _width)
            line = line[..(_width - 2)] + "…";
        _error.Write("\r" + line + "\u001b[K");
        _error.Flush();
        _statusShown = true;
        _sinceRedraw.Restart();
    }
}

/// <summary>How <see cref="ProgressSink"/> shows progress.</summary>
internal enum ProgressMode
{
    /// <summary>Nothing.</summary>
    Quiet,

    /// <summary>Every record and status, one line each.</summary>
    Verbose,

    /// <summary>One status line, overwritten in place.</summary>
    StatusLine,

    /// <summary>Records only, one line each.</summary>
    Lines,
}
