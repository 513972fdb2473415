namespace MlNetGd.Cluster;

/// <summary>The key of a <see cref="IShardGrain"/>: <c>fit/shard@host:port</c>, so the placement director can find the worker.</summary>
public static class ShardKey
{
    /// <summary>Returns the key of shard <paramref name="shard"/> of fit <paramref name="fit"/> on the worker at <paramref name="worker"/>.</summary>
    public static string Create(string fit, int shard, string worker) => $"{fit}/{shard}@{worker}";

    /// <summary>Returns the worker's silo endpoint (<c>host:port</c>) a key names.</summary>
    /// <exception cref="ArgumentException">The key names no worker.</exception>
    public static string WorkerOf(string key)
    {
        int at = key.LastIndexOf('@');
        return at > 0 && at < key.Length - 1 ? key[(at + 1)..] : throw new ArgumentException($"The shard key '{key}' names no worker (fit/shard@host:port).", nameof(key));
    }
}
