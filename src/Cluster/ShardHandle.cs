namespace MlNetGd.Cluster;

/// <summary>One shard of a fit as the coordinator holds it: its index, file, worker and grain.</summary>
internal sealed record ShardHandle(int Index, string Path, string Worker, IShardGrain Grain);
