namespace MlNetGd.Cluster;

/// <summary>A shard a fit went on without, because its worker was lost (<see cref="DistributedOptions.ContinueWithoutLostShards"/>).</summary>
/// <param name="Shard">The shard's index.</param>
/// <param name="Path">The shard's file.</param>
/// <param name="Worker">The worker that was lost.</param>
/// <param name="Round">The round from which the shard was left out (0: before training).</param>
public sealed record LostShard(int Shard, string Path, string Worker, int Round);
