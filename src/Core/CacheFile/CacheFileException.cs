namespace MlNetGd.Trainers.Core;

/// <summary>A cache file that cannot be used: foreign, truncated, corrupted, of another format version, or stale (written for
/// other features). The message names the file and says why; its rows are never read as data.</summary>
public sealed class CacheFileException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> with the reason <paramref name="reason"/>.</summary>
    public CacheFileException(string path, string reason)
        : base($"The cache file '{path}' {reason}")
    {
        FilePath = path;
        Reason = reason;
    }

    /// <summary>Gets the full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Gets why the file cannot be used (the message without the file name).</summary>
    public string Reason { get; }
}
