namespace MlNetGd.Cluster;

/// <summary>The placement of shard grains: on the worker whose silo endpoint the grain's key names (<see cref="ShardKey"/>), never
/// anywhere else, since the shard's file is on that worker's machine.</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ShardPlacement : PlacementStrategy
{
    /// <summary>Gets the one instance.</summary>
    public static ShardPlacement Instance { get; } = new();
}
