using System.Diagnostics;

namespace MlNetGd.Tests.Packaging;

/// <summary>Runs a program to its end (or kills it at a deadline) and returns what it printed.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; a run past <paramref name="timeout"/> (default 5 minutes)
    /// is killed and fails the test. <paramref name="environment"/> sets variables (a null value removes one).</summary>
    public static ChildOutcome Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        TimeSpan limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{fileName} {string.Join(' ', arguments)} did not end within {limit.TotalSeconds} s:\n{output.Result}\n{error.Result}");
        }
        return new ChildOutcome(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>A finished program's exit code and output.</summary>
internal sealed record ChildOutcome(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
