using System.Diagnostics;
using System.Globalization;

namespace MlNetGd.Bench.Cli;

/// <summary>One command run as its own process under GNU time: its wall time and peak resident memory (the kernel's maximum RSS of
/// the process, as <c>/usr/bin/time -f %M</c> reports it), with its output kept for the record.</summary>
internal sealed record TimedRun(string Name, double WallSeconds, double PeakMegabytes, string Output)
{
    public const string GnuTime = "/usr/bin/time";

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    /// <exception cref="InvalidOperationException">The command failed (the message holds its output).</exception>
    public static TimedRun Start(string name, string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        if (!File.Exists(GnuTime))
            throw new InvalidOperationException($"{GnuTime} is missing: install GNU time (apt-get install time); it measures the peak memory of each run.");
        string report = Path.GetTempFileName();
        var start = new ProcessStartInfo(GnuTime) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (string a in (string[])["-o", report, "-f", "%e %M", program, .. arguments])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += errors.Result;
        string[] measured = File.ReadAllText(report).Trim().Split('\n')[^1].Split(' ');
        File.Delete(report);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{name} failed with exit code {process.ExitCode}:\n{output}");
        return new TimedRun(name, double.Parse(measured[0], CultureInfo.InvariantCulture), double.Parse(measured[1], CultureInfo.InvariantCulture) / 1024, output);
    }

    /// <summary>The median of some values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
