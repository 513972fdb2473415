using System.Runtime.InteropServices;

namespace MlNetGd.Cli;

/// <summary>What the tool says on stderr when SIGINT or SIGTERM arrives (<c>Program</c>'s handler, after it removed the unfinished
/// temporaries): by default that it stopped and what it removed; a verb that stops cleanly by itself on the signal says that instead
/// (<c>worker</c>: it leaves the cluster, then says it has left).</summary>
internal static class StopNotice
{
    private static volatile Func<PosixSignal, string>? s_instead;

    /// <summary>The line for <paramref name="signal"/>, <paramref name="removed"/> temporaries having been removed.</summary>
    public static string For(PosixSignal signal, int removed) =>
        s_instead?.Invoke(signal) ?? $"mlnetgd: stopped by {signal}; removed {removed} unfinished temporary file(s); earlier outputs are unchanged.";

    /// <summary>Says <paramref name="notice"/> instead, until the returned object is disposed.</summary>
    public static IDisposable Instead(Func<PosixSignal, string> notice)
    {
        s_instead = notice;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => s_instead = null;
    }
}
