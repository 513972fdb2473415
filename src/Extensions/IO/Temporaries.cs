namespace MlNetGd.IO;

/// <summary>The temporary files and directories this process is writing, so that a signal handler can remove them before the process ends.</summary>
/// <remarks><see cref="AtomicFile"/> and <see cref="AtomicDirectory"/> track what they create; the <c>mlnetgd</c> tool calls
/// <see cref="DeleteAll"/> on SIGINT and SIGTERM. A process killed outright (SIGKILL) cannot clean up: the next write of the same
/// target removes what it left (see <see cref="AtomicFile"/> and <see cref="AtomicDirectory"/>).</remarks>
public static class Temporaries
{
    private static readonly HashSet<string> Paths = new(StringComparer.Ordinal);

    /// <summary>Held while a temporary is renamed into place, so <see cref="DeleteAll"/> never runs in the middle of a swap.</summary>
    internal static object Gate { get; } = new();

    /// <summary>Records <paramref name="path"/> (a file or a directory) until the returned handle is disposed.</summary>
    public static IDisposable Track(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        lock (Gate)
            Paths.Add(path);
        return new Tracked(path);
    }

    /// <summary>Gets the paths tracked now.</summary>
    public static IReadOnlyList<string> Current()
    {
        lock (Gate)
            return Paths.ToArray();
    }

    /// <summary>Deletes every tracked file and directory (errors are ignored: the process is ending) and returns how many existed.</summary>
    public static int DeleteAll()
    {
        lock (Gate)
        {
            int deleted = 0;
            foreach (string path in Paths)
            {
                if (TryDelete(path))
                    deleted++;
            }
            Paths.Clear();
            return deleted;
        }
    }

    /// <summary>Deletes a file or a directory tree; returns whether it existed and is gone.</summary>
    internal static bool TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
                return true;
            }
            if (File.Exists(path))
            {
                File.Delete(path);
                return true;
            }
        }
        catch (IOException)
        {
            // Best effort: the caller is already failing or ending; that is the error to report.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
        return false;
    }

    private sealed class Tracked(string path) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate)
                Paths.Remove(path);
        }
    }
}
