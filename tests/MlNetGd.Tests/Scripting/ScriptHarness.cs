using MlNetGd.Scripting;

namespace MlNetGd.Tests.Scripting;

/// <summary>A temporary folder with its own script cache, and a way to run scripts in it with captured output.</summary>
internal sealed class ScriptHarness : IDisposable
{
    public ScriptHarness()
    {
        Folder = Path.Combine(Path.GetTempPath(), "mlnetgd-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Runner = new ScriptRunner(Path.Combine(Folder, "cache"));
    }

    /// <summary>Gets the temporary folder (deleted on dispose).</summary>
    public string Folder { get; }

    /// <summary>Gets a runner whose cache lives in the temporary folder.</summary>
    public ScriptRunner Runner { get; }

    /// <summary>Gets the repository root (the folder holding MlNetGd.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MlNetGd.sln")))
                    return dir.FullName;
            }
            throw new InvalidOperationException($"MlNetGd.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Writes a file under the temporary folder and returns its full path.</summary>
    public string Write(string relativePath, string text)
    {
        string path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs a script and returns the result with everything it printed.</summary>
    public ScriptOutcome Run(string scriptPath, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        ScriptRunResult result = Runner.Run(scriptPath, args, output, error);
        return new ScriptOutcome(result.ExitCode, result.FromCache, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
