namespace MlNetGd.IO;

/// <summary>An input file that can be read more than once: the file itself, or, for a pipe or a character device (<c>/dev/stdin</c> fed
/// by a pipe, <c>&lt;(command)</c>, a named pipe), a temporary copy read from it once.</summary>
/// <remarks>
/// <para>The copy is <c>.mlnetgd-input.&lt;pid&gt;-&lt;start&gt;.&lt;32 hex&gt;.tmp/NAME</c> in the temporary directory, where NAME is the
/// input's own file name (<c>stdin</c>), so messages about the data still say where it came from. It is tracked by
/// <see cref="Temporaries"/> (removed on SIGINT/SIGTERM), deleted on <see cref="Dispose"/>, and a copy whose owner was killed outright is
/// deleted by the next spool of any process (<see cref="TemporaryNames"/>).</para>
/// <para>Copying stops after the first block if it holds a NUL byte: such an input is binary (or endless, as <c>/dev/zero</c>), and
/// the reader refuses it from that block alone.</para>
/// </remarks>
public sealed class InputSpool : IDisposable
{
    /// <summary>The name beside which spool directories are made in the temporary directory.</summary>
    internal const string SpoolName = "mlnetgd-input";

    private const int BlockSize = 1 << 16;

    private readonly IDisposable? _tracked;
    private readonly string? _directory;

    private InputSpool(string path, string? directory, IDisposable? tracked)
    {
        Path = path;
        _directory = directory;
        _tracked = tracked;
    }

    /// <summary>Gets the file to read: the input, or its copy.</summary>
    public string Path { get; }

    /// <summary>Gets whether the input was copied (it is a pipe or a character device).</summary>
    public bool IsCopy => _directory is not null;

    /// <summary>Returns the input as it is when it is a regular file (or missing, or a directory: the reader names the problem), or a
    /// copy of everything it holds when it is a pipe or a character device.</summary>
    /// <param name="path">The input path.</param>
    /// <exception cref="IOException">The input is a block device or a socket, or it cannot be read or copied (a full disk); no copy remains.</exception>
    public static InputSpool Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        switch (FileIdentity.KindOf(path))
        {
            case FileIdentity.FileKind.Pipe or FileIdentity.FileKind.CharacterDevice:
                break;
            case FileIdentity.FileKind.Other:
                throw new IOException($"'{path}' needs to be a regular file or a pipe; it is a device or a socket.");
            default:
                return new InputSpool(path, null, null);
        }
        string spoolBase = System.IO.Path.Combine(System.IO.Path.GetTempPath(), SpoolName);
        TemporaryNames.RemoveDead(spoolBase, directories: true, _ => true, ownerlessAreDead: false);
        string directory = TemporaryNames.For(spoolBase);
        var tracked = Temporaries.Track(directory);
        try
        {
            Directory.CreateDirectory(directory);
            string name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path));
            string copy = System.IO.Path.Combine(directory, name.Length == 0 || name is "." or ".." ? "input" : name);
            using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
            using (var target = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                Copy(source, target);
            return new InputSpool(copy, directory, tracked);
        }
        catch
        {
            Temporaries.TryDelete(directory);
            tracked.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the copy, if one was made.</summary>
    public void Dispose()
    {
        if (_directory is not null)
            Temporaries.TryDelete(_directory);
        _tracked?.Dispose();
    }

    private static void Copy(Stream source, Stream target)
    {
        var block = new byte[BlockSize];
        bool first = true;
        int n;
        while ((n = source.ReadAtLeast(block, block.Length, throwOnEndOfStream: false)) > 0)
        {
            target.Write(block, 0, n);
            if (first && Array.IndexOf(block, (byte)0, 0, n) >= 0)
                return;   // binary: the reader refuses it from this block
            first = false;
        }
    }
}
