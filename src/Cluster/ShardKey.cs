using System.Text.RegularExpressions;

namespace MlNetGd.Cluster;

/// <summary>The key of a <see cref="IShardGrain"/>: <c>fit/shard@host:port</c>, so the placement director can find the worker; and
/// the name of the cache file a worker keeps for it.</summary>
public static partial class ShardKey
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

    /// <summary>The name of the cache file process <paramref name="processId"/> keeps for the shard <paramref name="key"/> names:
    /// <c>shard-&lt;fit&gt;-&lt;shard&gt;-&lt;pid&gt;.cache</c>. The process id lets a worker started later remove the files of one that
    /// was killed outright (<see cref="WorkerHost.RemoveOrphans"/>).</summary>
    internal static string CacheFileName(string key, int processId) => $"shard-{key.Split('@')[0].Replace('/', '-')}-{processId}.cache";

    /// <summary>The process that made <paramref name="fileName"/>, when it is exactly a shard's cache file (<see cref="CacheFileName"/>,
    /// a fit being a 32-digit id) or the cache-file writer's unfinished temporary of one; otherwise <see langword="null"/>.</summary>
    internal static int? CacheFileOwner(string fileName) =>
        CacheFilePattern().Match(fileName) is { Success: true } match && int.TryParse(match.Groups[1].ValueSpan, out int pid) ? pid : null;

    [GeneratedRegex(@"^\.?shard-[0-9a-f]{32}-\d+-(\d+)\.cache(\.[0-9a-f]{32}\.tmp)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CacheFilePattern();
}
