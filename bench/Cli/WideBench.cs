using System.Globalization;
using System.Text;
using System.Text.Json;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Cli;

/// <summary>Wide files: <c>mlnetgd train</c> on 5,000 rows x 1,000 numeric columns (some empty cells) against the first 100 columns of
/// the same rows, in alternating rounds; then <c>mlnetgd compare</c> on the wide file against the sum of the fits it times plus one
/// parse of the file.</summary>
internal static class WideBench
{
    public static string Run(BenchOptions options)
    {
        string wide = Path.Combine(options.Directory, $"wide-{options.WideRows}x{options.WideColumns}.csv");
        string narrow = Path.Combine(options.Directory, $"wide-{options.WideRows}x{options.NarrowColumns}.csv");
        Generate(wide, narrow, options.WideRows, options.WideColumns, options.NarrowColumns, seed: 5);
        string model = Path.Combine(options.Directory, "wide-model.zip");
        var runs = new List<(int Columns, TimedRun Run)>();
        for (int round = 0; round < options.Rounds; round++)
        {
            foreach (var (columns, path) in round % 2 == 0 ? [(options.NarrowColumns, narrow), (options.WideColumns, wide)] : new[] { (options.WideColumns, wide), (options.NarrowColumns, narrow) })
            {
                var run = TimedRun.Start($"train {columns}", options.Cli, ["train", "--data", path, "--label", "y", "--model", model, "-q"]);
                runs.Add((columns, run));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: train on {columns} columns: {run.WallSeconds:F2} s, {run.PeakMegabytes:F0} MB"));
            }
        }
        double Time(int columns) => TimedRun.Median(runs.Where(r => r.Columns == columns).Select(r => r.Run.WallSeconds));
        string Rounds(int columns) => string.Join(" / ", runs.Where(r => r.Columns == columns).Select(r => r.Run.WallSeconds.ToString("F2", CultureInfo.InvariantCulture)));
        double ratio = Time(options.WideColumns) / Time(options.NarrowColumns);
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"`mlnetgd train` on {options.WideRows:N0} rows ({options.Rounds} alternating rounds, medians): {options.NarrowColumns} columns {Time(options.NarrowColumns):F2} s ({Rounds(options.NarrowColumns)}), " +
            $"{options.WideColumns} columns {Time(options.WideColumns):F2} s ({Rounds(options.WideColumns)}): **{ratio:F1}x** for {options.WideColumns / options.NarrowColumns}x the columns " +
            $"(target <= 15x: {FlightsBench.Verdict(ratio <= 15)}).\n"));
        text.Append(Compare(options, wide));
        return text.ToString();
    }

    /// <summary>Only the compare run on the wide file (generated when absent).</summary>
    public static string RunCompare(BenchOptions options)
    {
        string wide = Path.Combine(options.Directory, $"wide-{options.WideRows}x{options.WideColumns}.csv");
        Generate(wide, Path.Combine(options.Directory, $"wide-{options.WideRows}x{options.NarrowColumns}.csv"), options.WideRows, options.WideColumns, options.NarrowColumns, seed: 5);
        return Compare(options, wide);
    }

    /// <summary>Runs <c>compare</c> with its default trainers (or --trainers) on the wide file (with --verbose, whose stderr says how long the one
    /// pass over the file took), and sums every fit it timed from its results.json.</summary>
    private static string Compare(BenchOptions options, string wide)
    {
        string report = Path.Combine(options.Directory, "wide-compare-report");
        string[] arguments = ["compare", "--data", wide, "--label", "y", "--out", report, "--verbose",
            .. options.Trainers is { } trainers ? new[] { "--trainers", trainers } : []];
        var run = TimedRun.Start("compare", options.Cli, arguments);
        string readLine = run.Output.Split('\n').First(l => l.Contains("one pass over every row", StringComparison.Ordinal));
        string parseText = readLine[(readLine.IndexOf("one pass over every row ", StringComparison.Ordinal) + "one pass over every row ".Length)..].Split(' ')[0];
        double parse = double.Parse(parseText, CultureInfo.InvariantCulture);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(report, "results.json")));
        var fits = new List<(string Trainer, double Seconds)>();
        foreach (var trainer in json.RootElement.GetProperty("trainers").EnumerateArray())
        {
            // Every fit, a failed trainer's included (its fits until it failed).
            double sum = trainer.GetProperty("totalFitSeconds").GetDouble();
            fits.Add((trainer.GetProperty("name").GetString()!, sum));
        }
        double total = fits.Sum(f => f.Seconds);
        double Work(string step) => run.Output.Split('\n').Where(l => l.Contains(step + " in ", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.IndexOf(step + " in ", StringComparison.Ordinal) + step.Length + 4)..].Split(' ')[0], CultureInfo.InvariantCulture));
        string[] steps = ["featurized and cached", "least-squares optimum", "gd cost curves (a second, untimed fit)", "scoring timed"];
        return string.Create(CultureInfo.InvariantCulture,
            $"`mlnetgd compare` ({options.Trainers ?? "default trainers"}, {json.RootElement.GetProperty("plan").GetString()}, {json.RootElement.GetProperty("timingRepeats").GetInt32()} timing repeats) on the {options.WideColumns}-column file: " +
            $"**{run.WallSeconds:F2} s** wall, {run.PeakMegabytes:F0} MB; the fits it timed sum to {total:F2} s ({string.Join(", ", fits.Select(f => $"{f.Trainer} {f.Seconds:F2}"))}), one parse of the file {parse:F2} s: " +
            $"sum {total + parse:F2} s, compare / sum = **{run.WallSeconds / (total + parse):F2}** (target < 1: {FlightsBench.Verdict(run.WallSeconds < total + parse)}). " +
            $"Untimed work, in turn with the fits: {string.Join(", ", steps.Select(s => $"{s} {Work(s):F2} s"))}.\n");
    }

    /// <summary>Writes the wide file (label y, then x1..xN uniform in [-1, 1], every 10th column with 2% empty cells; y is a seeded
    /// linear function of the columns plus noise) and the narrow one: the same rows, the label and the first columns only.</summary>
    private static void Generate(string wide, string narrow, int rows, int columns, int narrowColumns, int seed)
    {
        if (File.Exists(wide) && File.Exists(narrow))
            return;
        var random = new SplitMix64(seed);
        var weights = Enumerable.Range(0, columns).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        using (var w = new StreamWriter(wide + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        using (var n = new StreamWriter(narrow + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        {
            w.WriteLine("y," + string.Join(',', Enumerable.Range(1, columns).Select(j => $"x{j}")));
            n.WriteLine("y," + string.Join(',', Enumerable.Range(1, narrowColumns).Select(j => $"x{j}")));
            var cells = new string[columns];
            for (int i = 0; i < rows; i++)
            {
                double y = 0;
                for (int j = 0; j < columns; j++)
                {
                    double x = random.NextDouble() * 2 - 1;
                    bool empty = j % 10 == 0 && random.NextDouble() < 0.02;
                    cells[j] = empty ? "" : x.ToString("F4", CultureInfo.InvariantCulture);
                    y += empty ? 0 : weights[j] * x;
                }
                string label = (y + random.NextDouble() - 0.5).ToString("F4", CultureInfo.InvariantCulture);
                w.WriteLine(label + "," + string.Join(',', cells));
                n.WriteLine(label + "," + string.Join(',', cells.Take(narrowColumns)));
            }
        }
        File.Move(wide + ".tmp", wide, overwrite: true);
        File.Move(narrow + ".tmp", narrow, overwrite: true);
    }
}
