using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetGd.Bench.Streaming;

/// <summary>One measurement in a process of its own (so its peak working set and first touches are its own): the parent starts
/// this program with arguments, the child prints its result as one JSON line after <see cref="Marker"/>.</summary>
internal static class ChildProcess
{
    private const string Marker = "RESULT ";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Parent side: runs this program with <paramref name="arguments"/> and reads the result line.</summary>
    /// <param name="arguments">The child's arguments.</param>
    /// <param name="description">What the child measures, for an error.</param>
    /// <param name="defaultGc">Whether the child runs with the runtime's default GC (workstation, concurrent), as users' apps do, rather
    /// than this bench's non-concurrent one.</param>
    /// <exception cref="InvalidOperationException">The child failed or printed no result (the message holds its output).</exception>
    public static T Run<T>(IEnumerable<string> arguments, string description, bool defaultGc = false)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (defaultGc)
            start.Environment["DOTNET_gcConcurrent"] = "1"; // overrides the bench's runtimeconfig (ConcurrentGarbageCollection = false)
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {self}.");
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += errors.Result;
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The child run ({description}) failed with exit code {process.ExitCode}:\n{output}");
        return JsonSerializer.Deserialize<T>(line[Marker.Length..], Json)!;
    }

    /// <summary>Child side: prints <paramref name="result"/> as the result line.</summary>
    public static void Report<T>(T result) => Console.WriteLine(Marker + JsonSerializer.Serialize(result, Json));
}
