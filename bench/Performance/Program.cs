using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using Microsoft.ML;
using MlNetGd.Bench;

// dotnet run -c Release --project bench/Performance -- [--rows N] [--features D] [--epochs E] [--output FILE] [--no-sweep]
// dotnet run -c Release --project bench/Performance -- micro [BenchmarkDotNet arguments, e.g. --filter '*']
// dotnet run -c Release --project bench/Performance -- fit-loop [N]   (N default fits on 1M x 64, to attach a profiler to)
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(Report).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "fit-loop")
{
    // A target for a profiler: default GradientDescent fits on the 1M x 64 cached data, nothing else timed.
    int fits = args.Length > 1 ? int.Parse(args[1]) : 5;
    var context = new MLContext(42);
    var cached = BenchData.Create(context, 1_000_000, 1000, 64, 42).CachedTrain;
    Console.WriteLine("data ready");
    for (int k = 0; k < fits; k++)
    {
        var watch = Stopwatch.StartNew();
        MlNetGd.RegressionCatalogExtensions.GradientDescent(context.Regression.Trainers).Fit(cached);
        Console.WriteLine($"fit {k}: {watch.Elapsed.TotalMilliseconds:F0} ms");
    }
    return 0;
}

int rows = 1_000_000, features = 64, epochs = 5, seed = 42;
string? output = null;
bool sweep = true;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rows": rows = int.Parse(args[++i]); break;
        case "--features": features = int.Parse(args[++i]); break;
        case "--epochs": epochs = int.Parse(args[++i]); break;
        case "--output": output = args[++i]; break;
        case "--no-sweep": sweep = false; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Allowed: --rows N, --features D, --epochs E, --output FILE, --no-sweep, or 'micro' first.");
            return 2;
    }
}

var report = new Report();
string cpu = File.Exists("/proc/cpuinfo")
    ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
    : "?";
report.Line($"Machine: {Environment.ProcessorCount} logical cores (nproc), CPU '{cpu}', {RuntimeInformation.FrameworkDescription}, " +
    $"{RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}; " +
    $"{(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "Vector256" : "Vector128")} accelerated; " +
    $"workstation non-concurrent GC. Started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}.");
report.Line($"Data: SyntheticRegression seed {seed}, {rows:N0} training rows x {features} features (N(0,1), noise 0.5) + 100,000 held-out rows, " +
    "cached by ml.Data.Cache and filled by one pass before anything is timed.");

var total = Stopwatch.StartNew();
var ml = new MLContext(seed);
var data = BenchData.Create(ml, rows, heldOutRows: 100_000, features, seed);
new SideBySide(ml, data, report).Run(epochs);
if (sweep)
{
    var sizes = new[] { 10_000, 100_000, 300_000, 1_000_000 }.Where(n => n < rows).Append(rows).ToArray();
    Sweep.Run(ml, sizes, data, features, seed, report);
}
report.Line($"\nWhole run: {total.Elapsed.TotalSeconds:F0} s. Load average at the end: {LoadAverage()} (other processes share the cores).");
if (output is not null)
    report.Save(output);
return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
