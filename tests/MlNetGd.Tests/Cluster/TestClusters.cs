using MlNetGd.Cluster;
using Orleans.TestingHost;

// A hung silo or Orleans call cannot observe a cancellation token, so a cluster test's bound is MSTest's plain timeout: it stops waiting.
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "MSTEST0045", Scope = "namespaceanddescendants", Target = "~N:MlNetGd.Tests.Cluster",
    Justification = "A hung cluster call cannot observe a token; the test host stops waiting and the run's cleanup kills what is left.")]

namespace MlNetGd.Tests.Cluster;

/// <summary>In-process Orleans clusters (TestingHost) whose silos host shards, as <c>mlnetgd worker</c> does. TestingHost binds its silos
/// to loopback on ports it finds free (no fixed port), and each test run has its own work directory.</summary>
internal static class TestClusters
{
    /// <summary>The bound of one cluster test, in milliseconds: ten times the slowest seen here on a loaded 2-core machine, so only a hang
    /// reaches it. MSTest then reports the test failed and goes on; <see cref="TestRunCleanup"/> kills what it left.</summary>
    public const int TestTimeout = 300_000;

    /// <summary>How long stopping a cluster may take before the run goes on without waiting.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    private static readonly string WorkDirectory = Path.Combine(Path.GetTempPath(), $"mlnetgd-cluster-tests-{Environment.ProcessId}");

    public static async Task<TestCluster> StartAsync(int silos = 3)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<ShardSilos>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Deletes this run's work directory (the silos delete each cache file when its fit ends; this removes what a killed silo left).</summary>
    public static void DeleteWorkDirectory()
    {
        if (Directory.Exists(WorkDirectory))
            Directory.Delete(WorkDirectory, recursive: true);
    }

    private sealed class ShardSilos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddShards(new WorkerSettings { WorkDirectory = WorkDirectory });
    }
}
