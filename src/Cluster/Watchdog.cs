namespace MlNetGd.Cluster;

/// <summary>Calls every shard at once and waits for the answers, pinging the workers that have not answered yet, so a worker that
/// dies is noticed within <see cref="DistributedOptions.FaultTimeout"/> (plus a ping interval) however long the call itself takes.</summary>
internal sealed class Watchdog(TimeSpan faultTimeout)
{
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
        for (int attempt = 0; ; attempt++)
        {
            Task<T> task;
            try
            {
                task = call(shard);
            }
            catch (Exception e) when (e is not ShardDataException)
            {
                task = Task.FromException<T>(e);
            }
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(_interval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (!task.IsCompleted && !await Alive(shard))
                    return (null, $"no answer for {faultTimeout.TotalSeconds:0.#} s", null);
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
                if (attempt == 0 && e is not InvalidOperationException && await Alive(shard))
                    continue;
                return (null, $"{e.GetType().Name}: {FirstLine(e.Message)}", e);
            }
        }
    }

    /// <summary>Whether the worker answers a ping within the fault timeout.</summary>
    public async Task<bool> Alive(ShardHandle shard)
    {
        try
        {
            await shard.Grain.Ping().WaitAsync(faultTimeout);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
