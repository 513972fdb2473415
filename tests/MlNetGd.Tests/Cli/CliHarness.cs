using MlNetGd.Cli;

namespace MlNetGd.Tests.Cli;

/// <summary>Runs mlnetgd in-process and captures what it prints.</summary>
internal static class CliHarness
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliRunner.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The repository root (the directory holding MlNetGd.sln), found upward from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlNetGd.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("MlNetGd.sln was not found above " + AppContext.BaseDirectory);
    }
}
