using System.Diagnostics;
using MlNetGd.Cluster;

namespace MlNetGd.Tests.Cluster;

/// <summary>A silo that dies mid-fit: the fit ends within the fault timeout with an error naming the worker and its shard, or, when asked,
/// goes on without that shard and says so. Each test has its own cluster, since it kills one of its silos.</summary>
[TestClass]
public sealed class WorkerFaultTests
{
    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    [DataRow(false, DisplayName = "the fit ends with a clear error")]
    [DataRow(true, DisplayName = "the fit goes on without the shard")]
    public async Task ASiloKilledMidFitEndsTheFitWithinTheBoundOrIsLeftOut(bool goOn)
    {
        await using var cluster = await TestClusters.StartAsync(3);
        using var data = ClusterData.Write(oneHot: false, rowsPerShard: 1500, testRows: 10);
        var options = ClusterData.Options() with { FaultTimeout = TimeSpan.FromSeconds(3), ContinueWithoutLostShards = goOn, Tolerance = 0, NumberOfEpochs = 6 };
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        var victim = cluster.Silos[^1];
        string victimEndpoint = victim.SiloAddress.Endpoint.ToString();
        var killed = Stopwatch.StartNew();
        options = options with
        {
            EpochCompleted = e =>
            {
                if (e.Epoch != 2)
                    return;
                cluster.KillSiloAsync(victim).GetAwaiter().GetResult();
                killed.Restart();
            },
        };

        if (!goOn)
        {
            var error = await Assert.ThrowsExactlyAsync<WorkerLostException>(() => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options));
            Assert.IsTrue(killed.Elapsed < TimeSpan.FromSeconds(60), $"noticed after {killed.Elapsed}: nothing may hang");
            Assert.AreEqual(victimEndpoint, error.Worker);
            Assert.AreEqual(3, error.Round);
            string shard = data.Shards.Single(s => error.Message.Contains(s, StringComparison.Ordinal));
            CollectionAssert.AreEqual(new[] { shard }, error.Shards.ToArray());
            StringAssert.Contains(error.Message, "No model was written");
            return;
        }
        var fit = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);
        Assert.AreEqual(1, fit.LostShards.Count);
        Assert.AreEqual(victimEndpoint, fit.LostShards[0].Worker);
        Assert.AreEqual(3, fit.LostShards[0].Round);
        Assert.AreEqual(6, fit.History.EpochCount);
        Assert.AreEqual(2, fit.Rounds[^1].Shards);
        StringAssert.Contains(fit.ToString(), $"left out from round 3 (worker {victimEndpoint} lost)");
        Assert.IsTrue(fit.Model.Model.Weights.All(float.IsFinite));
    }
}
