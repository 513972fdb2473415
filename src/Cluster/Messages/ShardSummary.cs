namespace MlNetGd.Cluster;

/// <summary>What a worker found in its shard: the rows, the storage, and the per-feature sums over every row that the coordinator
/// merges, in shard order, into the one standardization every worker trains in.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardSummary
{
    /// <summary>Gets the worker's silo endpoint (host:port).</summary>
    [Id(0)] public required string Worker { get; init; }

    /// <summary>Gets the number of training rows (rows whose label is empty are left out).</summary>
    [Id(1)] public required long Rows { get; init; }

    /// <summary>Gets the rows left out because their label is empty.</summary>
    [Id(2)] public required long DroppedRows { get; init; }

    /// <summary>Gets whether the worker keeps the rows as CSR (sparse) rather than dense.</summary>
    [Id(3)] public required bool IsSparse { get; init; }

    /// <summary>Gets the number of minibatches of one local epoch.</summary>
    [Id(4)] public required long BatchCount { get; init; }

    /// <summary>Gets the smallest minibatch of the shard (the automatic rate is set for the smallest of all shards).</summary>
    [Id(5)] public required long SmallestBatch { get; init; }

    /// <summary>Gets Σx per feature over every row.</summary>
    [Id(6)] public required double[] Sum { get; init; }

    /// <summary>Gets Σx² per feature over every row.</summary>
    [Id(7)] public required double[] Squares { get; init; }

    /// <summary>Gets the largest value per feature (0 counted: all but a full column has implicit zeros).</summary>
    [Id(8)] public required float[] Highest { get; init; }

    /// <summary>Gets the smallest value per feature (0 counted).</summary>
    [Id(9)] public required float[] Lowest { get; init; }

    /// <summary>Gets the size of the worker's cache file, in bytes.</summary>
    [Id(10)] public required long CacheBytes { get; init; }

    /// <summary>Gets the seconds the worker spent reading the shard and surveying it.</summary>
    [Id(11)] public required double Seconds { get; init; }
}
