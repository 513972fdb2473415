namespace MlNetGd.Cluster;

/// <summary>What a worker silo needs besides Orleans' own options: where its shards' cache files go.</summary>
public sealed record WorkerSettings
{
    /// <summary>Gets the directory of the cache files (one per shard, deleted when the fit releases it).</summary>
    /// <value>Default: a directory under the system's temporary directory.</value>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "mlnetgd-worker");
}
