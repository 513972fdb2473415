using MlNetGd.Cluster;
using Orleans.TestingHost;

namespace MlNetGd.Tests.Cluster;

/// <summary>In-process Orleans clusters (TestingHost) whose silos host shards, as <c>mlnetgd worker</c> does.</summary>
internal static class TestClusters
{
    public static async Task<TestCluster> StartAsync(int silos = 3)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<ShardSilos>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class ShardSilos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.AddShards(new WorkerSettings { WorkDirectory = Path.Combine(Path.GetTempPath(), "mlnetgd-cluster-tests") });
    }
}
