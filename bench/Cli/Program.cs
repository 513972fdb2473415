using System.Globalization;
using System.Text;
using MlNetGd.Bench.Cli;

// The tool's whole run, CSV to model (issue 22): see RESULTS.md for what each mode measures.
//   dotnet build src/Cli -c Release && dotnet run -c Release --project bench/Cli -- [flights|wide|compare|multiline|all] [--rounds 3] [--dir DIR] [--generated]
//     [--trainers LIST] [--baseline-cli PATH] [--output FILE]   (compare: only the wide compare run, with compare's --trainers; multiline: the cost
//     of reading records that span lines, not part of all)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    var options = BenchOptions.Parse(args);
    var text = new StringBuilder();
    text.AppendLine($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
        $"load average at the start {File.ReadAllText("/proc/loadavg").Trim()}; started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.\n");
    if (options.Mode is "flights" or "all")
        text.AppendLine("## flights\n").AppendLine(FlightsBench.Run(options));
    if (options.Mode is "wide" or "all")
        text.AppendLine("## wide\n").AppendLine(WideBench.Run(options));
    if (options.Mode is "multiline")
        text.AppendLine("## records that span lines\n").AppendLine(MultilineBench.Run(options));
    if (options.Mode is "compare")
        text.AppendLine("## compare on the wide file\n").AppendLine(WideBench.RunCompare(options));
    text.AppendLine($"Load average at the end {File.ReadAllText("/proc/loadavg").Trim()}.");
    Console.WriteLine();
    Console.WriteLine(text);
    if (options.Output is not null)
        File.WriteAllText(options.Output, text.ToString());
    return 0;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
