using Orleans.TestingHost;

namespace MlNetGd.Tests.Cluster;

/// <summary>One in-process cluster of 3 silos for the cluster tests that do not stop a silo, started on first use and stopped when the
/// test run ends (<see cref="TestRunCleanup"/>).</summary>
internal static class SharedCluster
{
    private static readonly Lazy<Task<TestCluster>> Cluster = new(() => TestClusters.StartAsync(3));

    internal static Task<TestCluster> Get() => Cluster.Value;

    /// <summary>Stops the cluster if a test started it (bounded: a silo that does not stop is left to the end of the test host).</summary>
    public static async Task StopAsync()
    {
        if (Cluster.IsValueCreated)
            await (await Cluster.Value).DisposeAsync().AsTask().WaitAsync(TestClusters.StopTimeout);
    }
}
