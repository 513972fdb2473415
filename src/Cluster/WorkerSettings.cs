namespace MlNetGd.Cluster;

/// <summary>What a worker silo needs besides Orleans' own options: where its shards' cache files go.</summary>
public sealed class WorkerSettings
{
    /// <summary>Gets or sets the directory of the cache files (one per shard, deleted when the fit releases it).</summary>
    /// <value>Default: a directory under the system's temporary directory.</value>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "mlnetgd-worker");
}
