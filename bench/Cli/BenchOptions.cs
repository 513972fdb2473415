using System.Globalization;

namespace MlNetGd.Bench.Cli;

/// <summary>The bench's command line: <c>[flights|wide|compare|multiline|all] [--rounds N] [--dir DIR] [--cli PATH] [--baseline-cli PATH] [--python PATH] [--generated]
/// [--trainers LIST] [--output FILE]</c>.</summary>
internal sealed class BenchOptions
{
    public string Mode { get; private init; } = "all";

    public int Rounds { get; private init; } = 3;

    /// <summary>Where the data files go (never the repository): the downloaded and generated files are kept there for later runs.</summary>
    public string Directory { get; private init; } = Path.Combine(Path.GetTempPath(), "mlnetgd-bench-cli");

    /// <summary>The tool: the apphost or mlnetgd.dll built by <c>dotnet build src/Cli -c Release</c>.</summary>
    public string Cli { get; private init; } = "";

    public string? Python { get; private init; }

    /// <summary>Another build of the tool (for example main's) that the multiline mode also times, or <see langword="null"/>.</summary>
    public string? BaselineCli { get; private init; }

    public bool Generated { get; private init; }

    public string? Output { get; private init; }

    /// <summary>compare's --trainers for the wide compare run, or <see langword="null"/> for its default trainers.</summary>
    public string? Trainers { get; private init; }


    public int WideRows { get; private init; } = 5_000;

    public int WideColumns { get; private init; } = 1_000;

    public int NarrowColumns { get; private init; } = 100;

    public static BenchOptions Parse(string[] args)
    {
        string Value(string name) => args[Array.IndexOf(args, name) + 1];
        bool Has(string name) => Array.IndexOf(args, name) >= 0;
        string repository = FindRepository();
        var options = new BenchOptions
        {
            Mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all",
            Rounds = Has("--rounds") ? int.Parse(Value("--rounds"), CultureInfo.InvariantCulture) : 3,
            Directory = Has("--dir") ? Value("--dir") : Path.Combine(Path.GetTempPath(), "mlnetgd-bench-cli"),
            Cli = Has("--cli") ? Value("--cli") : Path.Combine(repository, "src", "Cli", "bin", "Release", "net10.0", "mlnetgd"),
            Python = Has("--python") ? Value("--python") : null,
            BaselineCli = Has("--baseline-cli") ? Value("--baseline-cli") : null,
            Generated = Has("--generated"),
            Output = Has("--output") ? Value("--output") : null,
            Trainers = Has("--trainers") ? Value("--trainers") : null,
        };
        System.IO.Directory.CreateDirectory(options.Directory);
        if (!File.Exists(options.Cli))
            throw new InvalidOperationException($"The tool is not built at {options.Cli}: run 'dotnet build src/Cli -c Release' first, or give --cli PATH.");
        return options;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlNetGd.sln")))
                return dir.FullName;
        }
        return System.IO.Directory.GetCurrentDirectory();
    }
}
