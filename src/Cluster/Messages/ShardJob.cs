namespace MlNetGd.Cluster;

/// <summary>What a worker is asked to do with one shard before training: read it once into its own cache file.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardJob
{
    /// <summary>Gets the shard's position in the fit's shard list (its order in every reduction).</summary>
    [Id(0)] public required int ShardIndex { get; init; }

    /// <summary>Gets the shard file, a path on the worker's machine.</summary>
    [Id(1)] public required string Path { get; init; }

    /// <summary>Gets how the file is read and featurized.</summary>
    [Id(2)] public required ShardFormat Format { get; init; }

    /// <summary>Gets the fit's seed; the shard's own seed is drawn from it and <see cref="ShardIndex"/> (<see cref="ShardSeed"/>).</summary>
    [Id(3)] public required int Seed { get; init; }

    /// <summary>Gets the rows per minibatch of the worker's local epochs.</summary>
    [Id(4)] public required int BatchSize { get; init; }

    /// <summary>Gets whether the rows and the batch order are shuffled.</summary>
    [Id(5)] public required bool Shuffle { get; init; }

    /// <summary>Gets the seed of the shard's row shuffle and batch order: the fit's seed for shard 0 (so a fit of one shard draws
    /// what a local fit from a cache file draws), and distinct seeds for the others.</summary>
    public int ShardSeed => unchecked(Seed + ShardIndex * -1640531527); // 2^32 / φ: consecutive shards far apart
}
