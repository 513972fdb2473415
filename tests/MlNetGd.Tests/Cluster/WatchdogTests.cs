using System.Diagnostics;
using MlNetGd.Cluster;

namespace MlNetGd.Tests.Cluster;

/// <summary>The coordinator's watchdog on a scripted shard: a call lost on the way to a live, idle worker is asked again; a long call on
/// a busy worker is waited for and not repeated; a worker that stops answering pings is lost within the fault timeout.</summary>
[TestClass]
public sealed class WatchdogTests
{
    private static readonly TimeSpan FaultTimeout = TimeSpan.FromSeconds(1);

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task ACallLostOnTheWayToALiveIdleWorkerIsAskedAgain()
    {
        var shard = new ScriptedShard(lostCalls: 1, callTime: TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        var (answers, lost) = await new Watchdog(FaultTimeout).CallAll([Handle(shard)], h => h.Grain.SampleLines("a.csv", 1, 0, ','), CancellationToken.None);
        Assert.AreEqual(0, lost.Length);
        CollectionAssert.AreEqual(new[] { "answer 2" }, answers[0]);
        Assert.AreEqual(2, shard.Calls);
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(30), $"asked again after {clock.Elapsed}");
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task ALongCallOnABusyWorkerIsWaitedForAndNotRepeated()
    {
        var shard = new ScriptedShard(lostCalls: 0, callTime: TimeSpan.FromSeconds(3));
        var (answers, lost) = await new Watchdog(FaultTimeout).CallAll([Handle(shard)], h => h.Grain.SampleLines("a.csv", 1, 0, ','), CancellationToken.None);
        Assert.AreEqual(0, lost.Length);
        CollectionAssert.AreEqual(new[] { "answer 1" }, answers[0]);
        Assert.AreEqual(1, shard.Calls, "a call three fault timeouts long, on a worker that says it is working on it, is not repeated");
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task AWorkerThatLosesEveryCallAndOneThatStopsAnsweringAreLost()
    {
        var losing = new ScriptedShard(lostCalls: int.MaxValue, callTime: TimeSpan.Zero);
        var silent = new ScriptedShard(lostCalls: int.MaxValue, callTime: TimeSpan.Zero) { Silent = true };
        var clock = Stopwatch.StartNew();
        var (answers, lost) = await new Watchdog(FaultTimeout).CallAll([Handle(losing), Handle(silent, 1)], h => h.Grain.SampleLines("a.csv", 1, 0, ','),
            CancellationToken.None);
        Assert.IsTrue(answers.All(a => a is null));
        Assert.AreEqual(2, lost.Length);
        StringAssert.Contains(lost[0].Cause, "lost 3 times");
        Assert.AreEqual(3, losing.Calls, "asked twice again, then lost");
        StringAssert.Contains(lost[1].Cause, "no answer for 1 s");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(30), $"lost after {clock.Elapsed}");
    }

    private static ShardHandle Handle(IShardGrain grain, int index = 0) => new(index, $"shard{index}.csv", $"127.0.0.1:{11111 + index}", grain);

    /// <summary>A shard whose first <c>lostCalls</c> calls never answer (lost with a gateway) while its pings say it is idle, and whose
    /// other calls answer after <c>callTime</c>, its pings saying it is working meanwhile; a silent one answers no ping.</summary>
    private sealed class ScriptedShard(int lostCalls, TimeSpan callTime) : IShardGrain
    {
        private int _calls;
        private int _running;

        public bool Silent { get; init; }

        public int Calls => _calls;

        public async Task<string[]> SampleLines(string path, int count, int seed, char separator)
        {
            int call = Interlocked.Increment(ref _calls);
            if (call <= lostCalls)
                await Task.Delay(Timeout.Infinite);
            Interlocked.Increment(ref _running);
            try
            {
                await Task.Delay(callTime);
                return [$"answer {call}"];
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public Task<bool> Ping() => Silent ? new TaskCompletionSource<bool>().Task : Task.FromResult(Volatile.Read(ref _running) > 0);

        public Task<ShardSummary> Prepare(ShardJob job) => throw new NotSupportedException();

        public Task<ShardPart> Part(PartRequest request) => throw new NotSupportedException();

        public Task<SetupAnswer> Setup(TrainingSetup setup) => throw new NotSupportedException();

        public Task<RoundResult> RunRound(RoundRequest request) => throw new NotSupportedException();

        public Task Release() => Task.CompletedTask;
    }
}
