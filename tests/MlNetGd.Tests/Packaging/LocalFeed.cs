using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Packaging;

/// <summary>The README's local feed, made once per test run in a temporary folder: every package packed from this build
/// (<c>dotnet pack MlNetGd.sln --no-build</c>) and a private home whose NuGet configuration lists nuget.org and that folder, as
/// <c>dotnet nuget add source</c> leaves it. Programs run with <see cref="Run"/> restore through it into a private package folder, so
/// the user's own NuGet configuration and cache are neither read nor changed, and no stale copy of an MlNetGd package is used.</summary>
internal sealed class LocalFeed
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly Lazy<LocalFeed> s_shared = new(() => new LocalFeed(), LazyThreadSafetyMode.ExecutionAndPublication);

    private LocalFeed()
    {
        Root = Path.Combine(Path.GetTempPath(), "mlnetgd-feed-" + Guid.NewGuid().ToString("N"));
        Packages = Path.Combine(Root, "artifacts");
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
        Environment = new Dictionary<string, string?>
        {
            ["HOME"] = Home,
            ["DOTNET_CLI_HOME"] = Home,
            // Where NuGet keeps its configuration and HTTP cache on Windows (on Linux and macOS it uses HOME).
            ["APPDATA"] = Path.Combine(Home, "AppData", "Roaming"),
            ["LOCALAPPDATA"] = Path.Combine(Home, "AppData", "Local"),
            ["NUGET_PACKAGES"] = Path.Combine(Home, ".nuget", "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        Check(Run("dotnet", RepositoryRoot(), TimeSpan.FromMinutes(10), "pack", Path.Combine(RepositoryRoot(), "MlNetGd.sln"), "-c", Configuration, "--no-build", "-o", Packages));
        Check(Run("dotnet", Home, TimeSpan.FromMinutes(1), "nuget", "add", "source", Packages, "--name", "mlnetgd-local"));
    }

    /// <summary>Gets the feed of this test run (packed on first use).</summary>
    public static LocalFeed Shared => s_shared.Value;

    /// <summary>Gets the folder holding the feed and the private home.</summary>
    public string Root { get; }

    /// <summary>Gets the folder the packages were packed into.</summary>
    public string Packages { get; }

    /// <summary>Gets the private home (its .nuget holds the configuration and the package folder).</summary>
    public string Home { get; }

    private Dictionary<string, string?> Environment { get; }

    /// <summary>Runs a program with the private home, so its restores use the local feed.</summary>
    public ChildOutcome Run(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        ChildProcess.Run(fileName, arguments, workingDirectory, Environment, timeout);

    /// <summary>Deletes the feed if this test run made one.</summary>
    public static void DeleteIfCreated()
    {
        if (!s_shared.IsValueCreated)
            return;
        try
        {
            Directory.Delete(s_shared.Value.Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the folder is under the temp directory and named for this run.
        }
    }

    private static void Check(ChildOutcome outcome) => Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
}
