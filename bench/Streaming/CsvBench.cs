using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Streaming;

/// <summary>A streamed fit from a large CSV: the first pass parses it once into the cache file; epochs 2…n read the file. Compared
/// with a bare cursor pass over the CSV, which is what every epoch cost before the cache file.</summary>
internal static class CsvBench
{
    public static int Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_500_000;
        const int features = 64;
        string path = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), $"mlnetgd-csv-bench-{rows}x{features}.csv");
        if (!File.Exists(path))
            Write(path, rows, features);
        var ml = new MLContext(1);
        var data = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = [','], HasHeader = true,
            Columns = [new TextLoader.Column("Label", DataKind.Single, 0), new TextLoader.Column("Features", DataKind.Single, 1, features)],
        }).Load(path);
        double bare = CursorPass.Time(data);
        var clock = Stopwatch.StartNew();
        var epochs = new List<double>();
        double last = 0;
        var options = new GradientDescentRegressionTrainer.Options
        {
            RowSource = RowSource.CacheFile,
            EpochCompleted = _ => { double now = clock.Elapsed.TotalSeconds; epochs.Add(now - last); last = now; },
        };
        new GradientDescentRegressionTrainer(options).Fit(data);
        double total = clock.Elapsed.TotalSeconds;
        double later = epochs.Count > 1 ? epochs.Skip(1).Average() : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {new FileInfo(path).Length / 1e9:F2} GB, {rows:N0} rows x {features}\n" +
            $"  bare cursor pass over the CSV: {bare:F2} s\n" +
            $"  streamed fit: {total:F2} s, {epochs.Count} epochs; epoch 1 (first pass + cache file + sample) {epochs[0]:F2} s = {epochs[0] / bare:F2}x the bare pass; " +
            $"epochs 2..n {later:F3} s each: {bare / later:F0}x faster than re-reading the CSV (target >= 10x)"));
        return 0;
    }

    private static void Write(string path, int rows, int features)
    {
        var random = new SplitMix64(1);
        var weights = Enumerable.Range(0, features).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine("label," + string.Join(',', Enumerable.Range(0, features).Select(j => $"f{j}")));
        var line = new StringBuilder();
        var x = new double[features];
        for (int i = 0; i < rows; i++)
        {
            double y = 0;
            for (int j = 0; j < features; j++)
            {
                x[j] = random.NextDouble() * 4 - 2;
                y += weights[j] * x[j];
            }
            line.Clear().Append((y + random.NextDouble() - 0.5).ToString("F5", CultureInfo.InvariantCulture));
            foreach (double v in x)
                line.Append(',').Append(v.ToString("F5", CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }
}
