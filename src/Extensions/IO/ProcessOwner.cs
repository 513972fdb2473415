using System.Diagnostics;
using System.Globalization;

namespace MlNetGd.IO;

/// <summary>A process named by its id and its start time, so that a reused process id is not taken for the process that made a
/// temporary file: the owner a temporary's name records (see <see cref="TemporaryNames"/>).</summary>
/// <remarks>On Linux the start time is field 22 of <c>/proc/PID/stat</c> (clock ticks since boot), read as the kernel wrote it, so two
/// readings agree exactly (<see cref="Process.StartTime"/> adds the boot time, which .NET recomputes and which can drift by a tick).
/// Elsewhere it is <see cref="Process.StartTime"/>.</remarks>
internal readonly record struct ProcessOwner(int ProcessId, long StartTime)
{
    /// <summary>Gets this process.</summary>
    public static ProcessOwner Current { get; } = Read(Environment.ProcessId) ?? new ProcessOwner(Environment.ProcessId, 0);

    /// <summary>Whether the owner is still running: a process with its id exists and started when it did. A process whose start time
    /// cannot be read (another user's, under <c>hidepid</c>) counts as alive: only a provably dead owner's files are removed.</summary>
    public bool IsAlive
    {
        get
        {
            try
            {
                return Read(ProcessId) is { } now && now.StartTime == StartTime;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                return true;
            }
        }
    }

    /// <summary>The owner as a temporary's name records it: <c>PID-START</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ProcessId}-{StartTime}");

    /// <summary>Returns the process with this id as it is now, or <see langword="null"/> when no running process has this id.</summary>
    /// <exception cref="IOException">The process exists but its start time cannot be read.</exception>
    private static ProcessOwner? Read(int processId)
    {
        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{processId}/stat");
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count the fields after its closing one.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is "Z" or "X")
                return null;   // a zombie has exited; only its exit status waits for its parent to read it
            return new ProcessOwner(processId, long.Parse(fields[StartTimeField - 3], CultureInfo.InvariantCulture));
        }
        try
        {
            using var process = Process.GetProcessById(processId);
            return new ProcessOwner(processId, process.StartTime.ToUniversalTime().Ticks);
        }
        catch (ArgumentException)
        {
            return null;   // no such process
        }
    }

    /// <summary>The 1-based field of <c>/proc/PID/stat</c> holding the start time (proc(5)).</summary>
    private const int StartTimeField = 22;
}
