namespace MlNetGd.Cluster;

/// <summary>What a worker is asked to do with one shard before training: read it once into its own cache file and survey it.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardJob
{
    /// <summary>Gets the shard's position in the fit's shard list (its order in every reduction).</summary>
    [Id(0)] public required int ShardIndex { get; init; }

    /// <summary>Gets the shard file, a path on the worker's machine.</summary>
    [Id(1)] public required string Path { get; init; }

    /// <summary>Gets how the file is read and featurized.</summary>
    [Id(2)] public required ShardFormat Format { get; init; }

    /// <summary>Gets the fit's seed; the shard's own seeds are drawn from it and <see cref="ShardIndex"/>.</summary>
    [Id(3)] public required int Seed { get; init; }

    /// <summary>Gets the rows per minibatch of the worker's local epochs.</summary>
    [Id(4)] public required int BatchSize { get; init; }

    /// <summary>Gets whether the rows and the batch order are shuffled.</summary>
    [Id(5)] public required bool Shuffle { get; init; }

    /// <summary>Gets the threads a dense batch's gradient may use on the worker (0 = all cores).</summary>
    [Id(6)] public required int NumberOfThreads { get; init; }
}
