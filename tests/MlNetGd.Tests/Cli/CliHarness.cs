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

    /// <summary>32 hex digits: the random part of a temporary's name, for tests that plant leftovers.</summary>
    public const string Hex = "0123456789abcdef0123456789abcdef";

    /// <summary>The arguments of a quick comparison of <paramref name="data"/> (label y, 2 folds, 5 epochs, one timing repeat, quiet) into
    /// <paramref name="output"/>.</summary>
    public static string[] QuickCompare(string data, string output, string trainers = "gd") =>
        ["compare", "--data", data, "--label", "y", "--cv", "2", "--trainers", trainers, "--repeats", "1", "--epochs", "5", "-q", "--out", output];

    /// <summary>Writes <c>data.csv</c> (<paramref name="rows"/> rows of <see cref="Comparison.ComparisonData.Csv"/>) into
    /// <paramref name="dir"/>, trains <c>m.zip</c> on it, and returns the model's path.</summary>
    public static string TrainedModel(Comparison.TempDirectory dir, int rows = 100)
    {
        File.WriteAllText(dir.File("data.csv"), Comparison.ComparisonData.Csv(rows));
        var (code, _, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q");
        if (code != 0)
            throw new InvalidOperationException("train failed: " + error);
        return dir.File("m.zip");
    }

    /// <summary>Runs a program (mkfifo, ln, mknod) to its end and returns its exit code.</summary>
    public static int Exec(string program, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Runs <paramref name="script"/> with /bin/sh, where "$1" is the built mlnetgd tool and "$2"… are
    /// <paramref name="args"/>, in <paramref name="directory"/> with TMPDIR set to it (so temporary copies can be looked for there).</summary>
    public static (int ExitCode, string Output, string Error) RunShell(string directory, string script, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["TMPDIR"] = directory },
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlnetgd"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{script}' did not end within 180 s.");
        }
        return (process.ExitCode, output, error.Result);
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
