namespace MlNetGd.Cluster;

/// <summary>A shard a worker cannot train on: a missing or unreadable file, a column the format needs and the file lacks, a cell that
/// is not a number, a value that is not finite, or a featurized schema that differs from the fit's. The message names the file.</summary>
[GenerateSerializer]
public sealed class ShardDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ShardDataException(string path, string message)
        : base(message) => FilePath = path;

    /// <summary>Gets the shard file.</summary>
    [Id(0)] public string FilePath { get; }
}
