namespace MlNetGd.Cluster;

/// <summary>Calls every shard at once and waits for the answers, pinging the workers that have not answered yet, so a worker that
/// dies is noticed within <see cref="DistributedOptions.FaultTimeout"/> (plus a ping interval) however long the call itself takes, and a
/// call lost on the way to a live worker (or its answer) is asked again after the worker was idle for the fault timeout.</summary>
internal sealed class Watchdog(TimeSpan faultTimeout)
{
    /// <summary>How many times a call whose worker is alive but idle is asked again before the worker counts as lost.</summary>
    private const int MaxResends = 2;

    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(Math.Min(1000, faultTimeout.TotalMilliseconds / 2));

    /// <summary>Runs <paramref name="call"/> on every shard; the answers in shard order, null for a shard whose worker was lost.</summary>
    /// <exception cref="ShardDataException">A worker refused its shard's data (not a fault: it propagates).</exception>
    public async Task<(T?[] Answers, (ShardHandle Shard, string Cause, Exception? Error)[] Lost)> CallAll<T>(
        IReadOnlyList<ShardHandle> shards, Func<ShardHandle, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        var tasks = shards.Select(s => Guarded(s, call, cancellationToken)).ToArray();
        var outcomes = await Task.WhenAll(tasks);
        var data = outcomes.Select(o => o.Error).OfType<ShardDataException>().FirstOrDefault();
        if (data is not null)
            throw data;
        var lost = outcomes.Select((o, i) => (Shard: shards[i], o.Cause, o.Error)).Where(o => o.Cause is not null).Select(o => (o.Shard, o.Cause!, o.Error)).ToArray();
        return (outcomes.Select(o => o.Answer).ToArray(), lost);
    }

    private async Task<(T? Answer, string? Cause, Exception? Error)> Guarded<T>(ShardHandle shard, Func<ShardHandle, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        int resent = 0;
        for (int attempt = 0; ; attempt++)
        {
            var task = Start(shard, call);
            var idleSince = DateTime.UtcNow;
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(_interval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (task.IsCompleted)
                    break;
                if (await Working(shard) is not bool working)
                    return (null, $"no answer for {faultTimeout.TotalSeconds:0.#} s", null);
                if (working)
                    idleSince = DateTime.UtcNow;
                else if (DateTime.UtcNow - idleSince >= faultTimeout)
                {
                    // Alive, but not working on the call for the fault timeout: the call or its answer was lost with a gateway that
                    // went away, and Orleans would wait for its response timeout (an hour). The calls are idempotent: ask again.
                    if (++resent > MaxResends)
                        return (null, $"its answers were lost {MaxResends + 1} times in a row", null);
                    task = Start(shard, call);
                    idleSince = DateTime.UtcNow;
                }
            }
            try
            {
                return (await task, null, null);
            }
            catch (ShardDataException e)
            {
                return (null, null, e);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A message lost through a gateway that went away: the calls are idempotent, so ask once more if the worker answers.
                if (attempt == 0 && e is not InvalidOperationException && await Working(shard) is not null)
                    continue;
                return (null, $"{e.GetType().Name}: {FirstLine(e.Message)}", e);
            }
        }
    }

    private static Task<T> Start<T>(ShardHandle shard, Func<ShardHandle, Task<T>> call)
    {
        try
        {
            return call(shard);
        }
        catch (Exception e) when (e is not ShardDataException)
        {
            return Task.FromException<T>(e);
        }
    }

    // The ping's answer (whether a call of ours is running on the shard), or null when the worker did not answer within the fault timeout.
    private async Task<bool?> Working(ShardHandle shard)
    {
        try
        {
            return await shard.Grain.Ping().WaitAsync(faultTimeout);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
