namespace MlNetGd.IO;

/// <summary>Replaces a directory as a whole: its new content is written into a sibling temporary directory, which
/// <see cref="Commit"/> renames into place, under a lock that keeps a second writer of the same directory out.</summary>
/// <remarks>
/// <para>For an output directory <c>parent/out</c>: the lock is <c>parent/.out.lock</c> (an empty file held open exclusively for the
/// writer's lifetime; the operating system releases it when the process ends, however it ends, so a killed run never blocks the next).
/// The new content goes to a temporary directory named by <see cref="TemporaryNames"/> (<c>parent/.out.&lt;pid&gt;-&lt;start&gt;.&lt;32
/// hex&gt;.tmp</c>). <see cref="Commit"/> renames the old <c>out</c> aside (<c>.out.….old</c>), renames the new one to <c>out</c>, then
/// deletes the old one: a reader finds the old directory, the new one, or (for the instant between the two renames) none, never a mix.
/// Disposing without committing deletes the temporary directory.</para>
/// <para>A symbolic link (as <c>out</c> or anywhere above it) is followed: the directory it leads to is replaced, and the link kept.</para>
/// <para>Once the lock is held, the temporary and old directories of this very target (its exact name, never a prefix of another's)
/// whose owner process is no longer running are leftovers of a killed run and are deleted, as are per-file temporaries
/// (<c>.&lt;name&gt;.&lt;32 hex&gt;.tmp</c>) inside the target left by earlier versions. Another target's are never touched.</para>
/// </remarks>
public sealed class AtomicDirectory : IDisposable
{
    private readonly FileStream _lock;
    private readonly IDisposable _tracked;
    private bool _committed;

    private AtomicDirectory(string target, string staging, FileStream held, IDisposable tracked)
    {
        Target = target;
        Staging = staging;
        _lock = held;
        _tracked = tracked;
    }

    /// <summary>Gets the full path of the directory to replace.</summary>
    public string Target { get; }

    /// <summary>Gets the temporary directory to write the new content into.</summary>
    public string Staging { get; }

    /// <summary>Checks, leaving nothing behind, that <paramref name="directory"/> can be replaced (making and deleting a temporary
    /// directory beside it), and returns its canonical path (links followed): <see cref="Begin"/> checks the same, so a run can fail
    /// before its work rather than after it.</summary>
    /// <param name="directory">The directory to replace; it need not exist, but its parent must.</param>
    /// <param name="canReplace">Called with the name of every entry of an existing <paramref name="directory"/>; if it returns
    /// <see langword="false"/> for one, the directory holds something that is not ours to delete.</param>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">The path is a root directory or a file, or the directory holds an entry <paramref name="canReplace"/>
    /// refuses (the message names it).</exception>
    /// <exception cref="UnauthorizedAccessException">The parent directory is not writable.</exception>
    public static string Check(string directory, Func<string, bool> canReplace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(canReplace);
        string target = Path.TrimEndingDirectorySeparator(FileIdentity.Canonical(directory));
        string? parent = Path.GetDirectoryName(target);
        if (parent is null)
            throw new IOException($"The output directory '{directory}' is a root directory; give a directory inside it.");
        if (File.Exists(target))
            throw new IOException($"The output path '{directory}' is a file; give a directory.");
        if (!Directory.Exists(parent))
            throw new DirectoryNotFoundException($"The output directory's parent '{parent}' does not exist; create it first.");
        CheckEntries(directory, target, canReplace);
        string probe = TemporaryNames.For(target);   // a parent that is not writable fails now, with a message that says so
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot write the output directory '{directory}': its parent '{parent}' is not writable ({e.Message})", e);
        }
        return target;
    }

    /// <summary>Takes the lock of <paramref name="directory"/>, removes leftovers of killed runs and creates the temporary directory.</summary>
    /// <param name="directory">The directory to replace; it need not exist, but its parent must.</param>
    /// <param name="canReplace">Called with the name of every entry of an existing <paramref name="directory"/>; if it returns
    /// <see langword="false"/> for one, the directory holds something that is not ours to delete and nothing is done.</param>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    /// <exception cref="IOException">The path is a file, another process holds the lock, or the directory holds an entry
    /// <paramref name="canReplace"/> refuses (the message names it).</exception>
    /// <exception cref="UnauthorizedAccessException">The parent directory is read-only.</exception>
    public static AtomicDirectory Begin(string directory, Func<string, bool> canReplace)
    {
        string target = Check(directory, canReplace);   // before the lock file is made: a refused run leaves nothing behind
        string parent = Path.GetDirectoryName(target)!;
        string lockPath = Path.Combine(parent, $".{TemporaryNames.Stem(Path.GetFileName(target))}.lock");
        if (Directory.Exists(lockPath))
            throw new IOException($"The lock file of '{directory}', '{lockPath}', is a directory; remove it (no run of this tool makes one).");
        FileStream held;
        try
        {
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(lockPath) && e is not (DirectoryNotFoundException or FileNotFoundException))
        {
            throw new IOException($"Another run is writing '{directory}' (it holds the lock file '{lockPath}'). Wait for it to finish, " +
                "or write to another directory.", e);
        }
        try
        {
            RemoveLeftovers(target);
            CheckEntries(directory, target, canReplace);   // again under the lock: another run may have written it meanwhile
            string staging = TemporaryNames.For(target);
            var tracked = Temporaries.Track(staging);
            try
            {
                Directory.CreateDirectory(staging);
            }
            catch
            {
                tracked.Dispose();
                throw;
            }
            return new AtomicDirectory(target, staging, held, tracked);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Replaces <see cref="Target"/> with <see cref="Staging"/>.</summary>
    /// <exception cref="InvalidOperationException">Already committed or disposed.</exception>
    /// <exception cref="IOException">A rename failed; the target is then the old directory or absent, never a mix.</exception>
    public void Commit()
    {
        if (_committed || !Directory.Exists(Staging))
            throw new InvalidOperationException($"The directory '{Target}' was already committed or abandoned.");
        string? old = null;
        IDisposable? trackedOld = null;
        lock (Temporaries.Gate)
        {
            if (Directory.Exists(Target))
            {
                old = TemporaryNames.For(Target, "old");
                trackedOld = Temporaries.Track(old);
                Directory.Move(Target, old);
            }
            Directory.Move(Staging, Target);
            _committed = true;
        }
        if (old is not null)
        {
            Temporaries.TryDelete(old);
            trackedOld!.Dispose();
        }
    }

    /// <summary>Deletes the temporary directory if <see cref="Commit"/> was not called, and releases the lock.</summary>
    public void Dispose()
    {
        if (!_committed)
            Temporaries.TryDelete(Staging);
        _tracked.Dispose();
        _lock.Dispose();
    }

    private static void CheckEntries(string directory, string target, Func<string, bool> canReplace)
    {
        if (!Directory.Exists(target))
            return;
        string? foreign = Directory.EnumerateFileSystemEntries(target).Select(e => Path.GetFileName(e))
            .FirstOrDefault(e => !canReplace(e) && !AtomicFile.IsTemporaryName(e));   // a temporary of ours is a leftover, removed under the lock
        if (foreign is not null)
            throw new IOException($"The output directory '{directory}' holds '{foreign}', which this writer did not make; replacing the " +
                "directory would delete it. Give a new or empty directory.");
    }

    /// <summary>Deletes what killed runs left; called with the lock held, which proves that no live run of an older version, which
    /// recorded no owner, is writing this target.</summary>
    private static void RemoveLeftovers(string target)
    {
        TemporaryNames.RemoveDead(target, directories: true, _ => true, ownerlessAreDead: true);
        if (!Directory.Exists(target))
            return;
        foreach (string leftover in Directory.EnumerateFiles(target))
        {
            if (AtomicFile.IsTemporaryName(Path.GetFileName(leftover)))
                Temporaries.TryDelete(leftover);
        }
    }
}
