using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Bench.Cli;

/// <summary>What reading records that span lines costs (issue 22): TextLoader's pass over an ordinary file with <c>ReadMultilines</c>
/// off and on (in this process), then <c>mlnetgd train</c> on the ordinary file, on the same file with one quoted line break (so the
/// tool turns multi-line reading on) and on an all-quoted copy; with <c>--baseline-cli</c> another build's train on the ordinary and
/// the all-quoted files too. Alternating rounds, medians.</summary>
internal static partial class MultilineBench
{
    private const int Rows = 1_000_000;

    /// <summary>Loader passes are short (a third of a second), so they run this many times as many rounds as the train runs.</summary>
    private const int LoaderRoundsPerRound = 4;

    public static string Run(BenchOptions options)
    {
        string ordinary = Path.Combine(options.Directory, "flights-generated-1m.csv");
        if (!File.Exists(ordinary))
            FlightsData.Generate(ordinary, Rows, seed: 1);
        string multi = Copy(ordinary, "-one-line-break", (row, fields) => row == 0 ? fields.Select((f, j) => j == 2 ? $"\"{f}\n\"" : f) : fields);
        string quoted = Copy(ordinary, "-all-quoted", (_, fields) => fields.Select(f => $"\"{f}\""));

        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {ordinary} ({new FileInfo(ordinary).Length / 1e6:F1} MB, {Rows:N0} rows, FlightsData.Generate seed 1); {options.Rounds} alternating rounds; medians.\n"));
        text.AppendLine(LoaderPasses(ordinary, options.Rounds * LoaderRoundsPerRound));
        text.AppendLine(TrainRuns(options, ordinary, multi, quoted));
        return text.ToString();
    }

    /// <summary>A copy of the file with each data row's fields changed by <paramref name="change"/> (kept for later runs).</summary>
    private static string Copy(string source, string suffix, Func<int, string[], IEnumerable<string>> change)
    {
        string path = Path.ChangeExtension(source, null) + suffix + ".csv";
        if (File.Exists(path))
            return path;
        using (var writer = new StreamWriter(path + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        {
            int row = -1;
            foreach (string line in File.ReadLines(source))
            {
                writer.Write(row < 0 ? line : string.Join(',', change(row, line.Split(','))));
                writer.Write('\n');
                row++;
            }
        }
        File.Move(path + ".tmp", path);
        return path;
    }

    /// <summary>Every cell of every row read as text by one loader cursor (UseThreads = false), as the tool's pass reads them: wall time
    /// and the process's processor time (the loader reads lines on a thread of its own beside the cursor's).</summary>
    private static string LoaderPasses(string path, int rounds)
    {
        var passes = new Dictionary<bool, List<(double Wall, double Cpu)>> { [false] = [], [true] = [] };
        for (int round = 0; round < rounds; round++)
        {
            foreach (bool multiline in round % 2 == 0 ? [false, true] : new[] { true, false })
            {
                var pass = LoaderPass(path, multiline);
                passes[multiline].Add(pass);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: loader pass, ReadMultilines {multiline}: {pass.Wall:F2} s, processor {pass.Cpu:F2} s"));
            }
        }
        string Row(bool multiline) => string.Create(CultureInfo.InvariantCulture,
            $"| ReadMultilines = {multiline.ToString().ToLowerInvariant()} | {TimedRun.Median(passes[multiline].Select(p => p.Wall)):F2} | " +
            $"{TimedRun.Median(passes[multiline].Select(p => p.Cpu)):F2} | {string.Join(" / ", passes[multiline].Select(p => p.Wall.ToString("F2", CultureInfo.InvariantCulture)))} |\n");
        double Ratio(Func<(double Wall, double Cpu), double> of) => TimedRun.Median(passes[true].Select(of)) / TimedRun.Median(passes[false].Select(of));
        return string.Create(CultureInfo.InvariantCulture,
            $"| TextLoader pass over the ordinary file (6 columns as text), {rounds} alternating rounds | wall (s), median | processor (s), median | wall per round |\n|---|---:|---:|---|\n" +
            $"{Row(false)}{Row(true)}\nReadMultilines on / off: wall **{Ratio(p => p.Wall):F2}x**, processor **{Ratio(p => p.Cpu):F2}x**\n");
    }

    private static (double Wall, double Cpu) LoaderPass(string path, bool multiline)
    {
        var ml = new MLContext(0);
        var columns = Enumerable.Range(0, 6).Select(j => new TextLoader.Column($"c{j}", DataKind.String, j)).ToArray();
        var view = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = [','], HasHeader = true, AllowQuoting = true, TrimWhitespace = true, MissingRealsAsNaNs = true, UseThreads = false,
            ReadMultilines = multiline, Columns = columns,
        }).Load(path);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var cursor = view.GetRowCursor(view.Schema);
        var getters = Enumerable.Range(0, 6).Select(j => cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[j])).ToArray();
        ReadOnlyMemory<char> cell = default;
        long length = 0;
        while (cursor.MoveNext())
        {
            foreach (var getter in getters)
            {
                getter(ref cell);
                length += cell.Length;
            }
        }
        GC.KeepAlive(length);
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary><c>mlnetgd train --verbose</c> on each file, with the time of its pass over every row (the byte pass included).</summary>
    private static string TrainRuns(BenchOptions options, string ordinary, string multi, string quoted)
    {
        string model = Path.Combine(options.Directory, "multiline-model.zip");
        var contenders = new List<(string Name, string Cli, string Data)>
        {
            ("ordinary file", options.Cli, ordinary),
            ("one quoted line break (multi-line reading on)", options.Cli, multi),
            ("all fields quoted", options.Cli, quoted),
        };
        if (options.BaselineCli is not null)
        {
            contenders.Add(("baseline build: ordinary file", options.BaselineCli, ordinary));
            contenders.Add(("baseline build: all fields quoted", options.BaselineCli, quoted));
        }
        var runs = new List<(string Name, double Wall, double Pass)>();
        for (int round = 0; round < options.Rounds; round++)
        {
            for (int i = 0; i < contenders.Count; i++)
            {
                var (name, cli, data) = contenders[(i + round) % contenders.Count];   // alternate who goes first
                var run = TimedRun.Start(name, cli, ["train", "--data", data, "--label", "delay", "--model", model, "--verbose"]);
                double pass = double.Parse(PassTime().Match(run.Output).Groups[1].Value, CultureInfo.InvariantCulture);
                runs.Add((name, run.WallSeconds, pass));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {name}: {run.WallSeconds:F2} s, pass {pass:F2} s"));
            }
        }
        var text = new StringBuilder("| mlnetgd train --label delay | wall (s), median | per round | pass over every row (s), median | per round |\n|---|---:|---|---:|---|\n");
        foreach (var (name, _, _) in contenders)
        {
            var mine = runs.Where(r => r.Name == name).ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {TimedRun.Median(mine.Select(r => r.Wall)):F2} | {string.Join(" / ", mine.Select(r => r.Wall.ToString("F2", CultureInfo.InvariantCulture)))} | " +
                $"{TimedRun.Median(mine.Select(r => r.Pass)):F2} | {string.Join(" / ", mine.Select(r => r.Pass.ToString("F2", CultureInfo.InvariantCulture)))} |"));
        }
        double Ratio(string name, Func<(string Name, double Wall, double Pass), double> of) =>
            TimedRun.Median(runs.Where(r => r.Name == name).Select(of)) / TimedRun.Median(runs.Where(r => r.Name == "ordinary file").Select(of));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"\nOne quoted line break / ordinary: wall **{Ratio(contenders[1].Name, r => r.Wall):F2}x**, pass **{Ratio(contenders[1].Name, r => r.Pass):F2}x**."));
        if (options.BaselineCli is not null)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Baseline build / this build on the ordinary file: pass {Ratio(contenders[3].Name, r => r.Pass):F2}x; all quoted: pass " +
                $"{TimedRun.Median(runs.Where(r => r.Name == contenders[4].Name).Select(r => r.Pass)) / TimedRun.Median(runs.Where(r => r.Name == contenders[2].Name).Select(r => r.Pass)):F2}x."));
        return text.ToString();
    }

    [GeneratedRegex(@"one pass over every row ([0-9.]+) s")]
    private static partial Regex PassTime();
}
