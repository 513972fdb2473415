using System.Text.RegularExpressions;

namespace MlNetGd.IO;

/// <summary>Writes a file under a temporary name in the same directory, then renames it over the target, so a reader never sees half a
/// file. The one way MlNetGd writes a file: reports, predictions, data sets and models (<see cref="ModelFiles.Save"/>).</summary>
/// <remarks>
/// <para>The temporary file is <c>.&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c> beside the target. It is removed if the write fails, by
/// <see cref="Temporaries.DeleteAll"/> on a signal, and, if the process was killed outright, by the next write of the same target: a
/// writer holds its temporary file open exclusively, so one that can be opened exclusively belongs to a process that is gone.</para>
/// </remarks>
public static partial class AtomicFile
{
    /// <summary>Writes the bytes <paramref name="write"/> puts in the stream to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file to write or replace.</param>
    /// <param name="write">Writes the content; the stream is flushed to disk and closed afterwards.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be written; the temporary file is removed and an existing target is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is read-only.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new ArgumentException($"'{path}' is a directory; give a file name.", nameof(path));
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{path}': the directory '{directory}' does not exist.");
        RemoveLeftovers(full);

        string temporary = TemporaryName(full);
        using var tracked = Temporaries.Track(temporary);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            lock (Temporaries.Gate)
                File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            Temporaries.TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory is missing.</exception>
    /// <exception cref="IOException">The file cannot be written; the temporary file is removed.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is read-only.</exception>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory is missing.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is read-only.</exception>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Whether <paramref name="fileName"/> is a temporary name this class (or <see cref="AtomicDirectory"/>) makes.</summary>
    public static bool IsTemporaryName(string fileName) => TemporaryPattern().IsMatch(fileName);

    internal static string TemporaryName(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Removes the temporaries of <paramref name="fullPath"/> left by killed processes: those no live writer holds open.</summary>
    private static void RemoveLeftovers(string fullPath)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        string prefix = $".{Path.GetFileName(fullPath)}.";
        foreach (string candidate in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
        {
            if (!IsTemporaryName(Path.GetFileName(candidate)))
                continue;
            try
            {
                using var orphan = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                // Held by a live writer, or already gone.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to remove.
            }
        }
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.(tmp|old)$")]
    private static partial Regex TemporaryPattern();
}
