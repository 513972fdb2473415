namespace MlNetGd.Cluster;

/// <summary>What a worker found when it read its shard into its cache file.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardSummary
{
    /// <summary>Gets the worker's silo endpoint (host:port).</summary>
    [Id(0)] public required string Worker { get; init; }

    /// <summary>Gets the number of training rows (rows whose label is empty are left out).</summary>
    [Id(1)] public required long Rows { get; init; }

    /// <summary>Gets the rows left out because their label is empty.</summary>
    [Id(2)] public required long DroppedRows { get; init; }

    /// <summary>Gets whether the worker keeps the rows as CSR (sparse) rather than dense (<c>RowStorage</c>'s rule, from the shard's leading rows).</summary>
    [Id(3)] public required bool IsSparse { get; init; }

    /// <summary>Gets the number of minibatches of one local epoch.</summary>
    [Id(4)] public required long BatchCount { get; init; }

    /// <summary>Gets the smallest minibatch of the shard (the automatic rate is set for the smallest of all shards).</summary>
    [Id(5)] public required long SmallestBatch { get; init; }

    /// <summary>Gets the size of the worker's cache file, in bytes.</summary>
    [Id(10)] public required long CacheBytes { get; init; }

    /// <summary>Gets the seconds the worker spent reading the shard into its cache file.</summary>
    [Id(11)] public required double Seconds { get; init; }
}
