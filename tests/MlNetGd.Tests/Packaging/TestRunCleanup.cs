using MlNetGd.Tests.Packaging;

namespace MlNetGd.Tests;

/// <summary>Removes what the whole test run shared: the local feed.</summary>
[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void Cleanup() => LocalFeed.DeleteIfCreated();
}
