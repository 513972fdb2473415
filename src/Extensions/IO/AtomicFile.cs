namespace MlNetGd.IO;

/// <summary>Writes a file under a temporary name in the same directory, then renames it over the target, so a reader never sees half a
/// file. The one way MlNetGd writes a file: reports, predictions, data sets and models (<see cref="ModelFiles.Save"/>).</summary>
/// <remarks>
/// <para>The temporary file is named by <see cref="TemporaryNames"/> (<c>.&lt;name&gt;.&lt;pid&gt;-&lt;start&gt;.&lt;32 hex&gt;.tmp</c>,
/// recording its owner) beside the target. It is removed if the write fails, by <see cref="Temporaries.DeleteAll"/> on a signal, and, if
/// the process was killed outright, by the next write of the same target, which deletes only that target's temporaries whose owner is
/// no longer running and which nobody holds open (a writer holds its temporary open exclusively).</para>
/// <para>Symbolic links are followed, in the directories and in the last component: a link is kept and its target replaced. A target
/// that is a pipe or a character device (<c>/dev/stdout</c>, <c>/dev/null</c>) has nothing to replace and is written straight into.</para>
/// </remarks>
public static class AtomicFile
{
    /// <summary>The longest file name, in UTF-8 bytes, that common file systems (ext4, XFS, Btrfs, APFS, NTFS in UTF-16 units) hold.</summary>
    public const int MaxFileNameBytes = 255;

    /// <summary>Checks, before any work, that <paramref name="path"/> can be written, by making and deleting a temporary file beside it:
    /// it is not a directory, its directory exists and is writable, and its name is not too long. A pipe or a device passes as it is.
    /// The one check of an output path: a command checks its output options by it, and <see cref="Write"/> makes the same checks.</summary>
    /// <param name="path">The file to be written.</param>
    /// <param name="option">How the messages name the path's source (a command-line option such as <c>--out</c>), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory is missing (the message names it).</exception>
    /// <exception cref="PathTooLongException">The file name is longer than <see cref="MaxFileNameBytes"/> bytes.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be made for another reason (a full disk, a read-only file system).</exception>
    public static void Check(string path, string? option = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string named = Named(path, option);
        if (Resolve(path, named) is not { } full)
            return;
        try
        {
            using var probe = new FileStream(TemporaryNames.For(full), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot write {named}: the directory '{Path.GetDirectoryName(full)}' is not writable ({e.Message})", e);
        }
    }

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
        if (Resolve(path, Named(path, null)) is not { } full)
        {
            WriteInto(path, write);
            return;
        }
        TemporaryNames.RemoveDead(full, directories: false, NobodyHolds, ownerlessAreDead: true);

        string temporary = TemporaryNames.For(full);
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
    public static bool IsTemporaryName(string fileName) => TemporaryNames.IsTemporary(fileName);

    /// <summary>The path as messages name it: <c>'x'</c>, or <c>--out 'x'</c> with the option that gave it.</summary>
    private static string Named(string path, string? option) => option is null ? $"'{path}'" : $"{option} '{path}'";

    /// <summary>The canonical path of the regular file to replace, or <see langword="null"/> for a pipe or a character device, which
    /// is written into as it is; <paramref name="named"/> is the path as the messages name it.</summary>
    private static string? Resolve(string path, string named)
    {
        switch (FileIdentity.KindOf(path))   // the path as given: /dev/stdout leads to a pipe no canonical path names
        {
            case FileIdentity.FileKind.Directory:
                throw new ArgumentException($"{named} is a directory; give a file name.", nameof(path));
            case FileIdentity.FileKind.Pipe or FileIdentity.FileKind.CharacterDevice:
                return null;
            case FileIdentity.FileKind.Other:
                throw new IOException($"Cannot write {named}: it is neither a regular file, a pipe nor a character device.");
        }
        string full = FileIdentity.Canonical(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"{named} has no directory.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write {named}: the directory '{directory}' does not exist; create it first.");
        int bytes = System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(full));
        if (bytes > MaxFileNameBytes)
            throw new PathTooLongException($"Cannot write {named}: its file name is {bytes} bytes long; a file name holds at most {MaxFileNameBytes} bytes.");
        return full;
    }

    /// <summary>Writes into a pipe or a device as it is: there is no file to replace, and no temporary could be renamed over it.</summary>
    private static void WriteInto(string path, Action<Stream> write)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        write(stream);
        stream.Flush();
    }

    /// <summary>Whether no process holds <paramref name="path"/> open: its writer would hold it exclusively until the rename.</summary>
    private static bool NobodyHolds(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;   // held by a live writer, gone, or not ours to remove
        }
    }
}
