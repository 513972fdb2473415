using System.Diagnostics;
using System.Globalization;
using MlNetGd.Bench.Streaming;

// Streamed vs cached training from a binary .idv file: peak memory and epoch time, each configuration in its own process.
//   dotnet run -c Release --project bench/Streaming [-- --rows 1000000,4000000 --features 64 --epochs 4 --dir <temp dir>]
// A child run (started by the parent): <exe> child <file.idv> streamed|cached <epochs>
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A streamed fit from a large CSV (written once if missing): <exe> csv [rows=1500000] [path]
// The cache file against a bare cursor pass and an in-memory epoch: <exe> cachefile [--rows 4000000 --features 64 --epochs 4 --dir <temp dir>]
// Issue 13's default-fit target (gd vs OnlineGradientDescent and SDCA on an ML.NET-cached IDataView, each fit in a fresh process,
// held-out MSE against the least-squares optimum): <exe> inplace [--rows 1000000 --features 64 --rounds 3 --ordered]
// (a child run: <exe> inplace-child ogd|sdca|gd|gd-copy|gd-inplace <rows> <features> ordered|shuffled)
if (args.Length > 0 && args[0] == "csv")
    return CsvBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "cachefile")
    return CacheFileBench.Run(BenchOptions.Parse(args[1..]));
if (args.Length > 0 && args[0] == "inplace")
    return InPlaceBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "inplace-child")
    return InPlaceBench.RunChild(args[1..]);
// Write a generated .idv and keep it, to run a child by hand: <exe> idv <path> <rows> [features=64]; <exe> child <path> streamed|cached <epochs>
if (args.Length > 0 && args[0] == "idv")
{
    long size = IdvGenerator.Write(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 64, seed: 42);
    Console.WriteLine($"{args[1]}: {size / 1e9:F2} GB");
    return 0;
}
if (args.Length > 0 && args[0] == "child")
    return ChildRun.Run(args[1], args[2] == "streamed", int.Parse(args[3], CultureInfo.InvariantCulture));

var options = BenchOptions.Parse(args);
string directory = Path.Combine(options.Directory, "mlnetgd-streaming-bench-" + Environment.ProcessId);
Directory.CreateDirectory(directory);
var results = new List<ChildResult>();
try
{
    foreach (int rows in options.Rows)
    {
        string file = Path.Combine(directory, $"train-{rows}x{options.Features}.idv");
        var generation = Stopwatch.StartNew();
        long bytes = IdvGenerator.Write(file, rows, options.Features, seed: 42);
        Console.WriteLine($"generated {rows:N0} x {options.Features} -> {bytes / 1e9:F2} GB in {generation.Elapsed.TotalSeconds:F1} s ({file})");
        foreach (bool streamed in new[] { true, false })
        {
            var result = ChildRun.Start(file, streamed, options.Epochs, rows);
            Console.WriteLine(result);
            results.Add(result);
        }
        File.Delete(file);
    }
}
catch (Exception error)
{
    Console.Error.WriteLine(error.Message);
    return 1;
}
finally
{
    Directory.Delete(directory, recursive: true);
}

Console.WriteLine();
Console.WriteLine(Report.Table(results));
Console.WriteLine(Report.Targets(results));
return 0;
