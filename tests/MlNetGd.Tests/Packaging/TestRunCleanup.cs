using MlNetGd.Tests.Cluster;
using MlNetGd.Tests.Packaging;

namespace MlNetGd.Tests;

/// <summary>Removes what the whole test run shared: the local feed, the in-process cluster and any worker process a test left (MSTest
/// allows one assembly cleanup).</summary>
[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static async Task Cleanup()
    {
        try
        {
            LocalFeed.DeleteIfCreated();
        }
        finally
        {
            WorkerProcess.KillAll();
            await SharedCluster.StopAsync();
            TestClusters.DeleteWorkDirectory();
        }
    }
}
