using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using MlNetGd.Trainers.Core;
using Parquet;

namespace MlNetGd.Bench.Cli;

/// <summary>The 3M-row flights CSV: vega-datasets' flights-3m.parquet (npm package vega-datasets) converted with Parquet.Net, or
/// a generated file of the same shape. Columns: delay (label, minutes), distance (miles), origin, destination, hour ("06h", 24
/// levels) and day ("Jan05", 182 levels): four categorical columns of 24 to 229 levels and one numeric.</summary>
internal static class FlightsData
{
    public const string NpmPackage = "vega-datasets@3.2.1";
    private const string ParquetEntry = "package/data/flights-3m.parquet";
    public const string Header = "delay,distance,origin,destination,hour,day";

    /// <summary>Returns the CSV in <paramref name="directory"/>, making it if it is not there: from npm unless
    /// <paramref name="generated"/>, or when npm is absent or fails (said on stdout).</summary>
    public static (string Path, string Source) Get(string directory, bool generated)
    {
        string npmCsv = Path.Combine(directory, "flights-3m.csv");
        string genCsv = Path.Combine(directory, "flights-3m-generated.csv");
        if (!generated && File.Exists(npmCsv))
            return (npmCsv, $"vega-datasets flights-3m ({NpmPackage}), converted");
        if (!generated)
        {
            try
            {
                string parquet = Download(directory);
                Convert(parquet, npmCsv).GetAwaiter().GetResult();
                return (npmCsv, $"vega-datasets flights-3m ({NpmPackage}), converted");
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Console.WriteLine($"flights-3m from npm failed ({e.Message}); generating a file of the same shape instead.");
            }
        }
        if (!File.Exists(genCsv))
            Generate(genCsv, 3_000_000, seed: 7);
        return (genCsv, "generated (4 categorical columns of 24-300 levels, 1 numeric; FlightsData.Generate)");
    }

    /// <summary>Fetches the npm package with <c>npm pack</c> and extracts the parquet file from it.</summary>
    private static string Download(string directory)
    {
        string parquet = Path.Combine(directory, "flights-3m.parquet");
        if (File.Exists(parquet))
            return parquet;
        var start = new ProcessStartInfo("npm", ["pack", NpmPackage, "--silent"]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started.");
        string tarball = npm.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        string errors = npm.StandardError.ReadToEnd();
        npm.WaitForExit();
        if (npm.ExitCode != 0)
            throw new InvalidOperationException($"npm pack {NpmPackage} exited with {npm.ExitCode}: {errors}");
        using (var gzip = new GZipStream(File.OpenRead(Path.Combine(directory, tarball)), CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.Name == ParquetEntry)
                {
                    entry.ExtractToFile(parquet + ".tmp", overwrite: true);
                    File.Move(parquet + ".tmp", parquet, overwrite: true);
                    File.Delete(Path.Combine(directory, tarball));
                    return parquet;
                }
            }
        }
        throw new InvalidOperationException($"{tarball} holds no {ParquetEntry}.");
    }

    /// <summary>Writes the parquet file's rows as CSV, the date split into an hour and a day of the year.</summary>
    private static async Task Convert(string parquet, string csv)
    {
        await using var reader = await ParquetReader.CreateAsync(parquet);
        var fields = reader.Schema.GetDataFields();
        var field = (string name) => fields.Single(f => f.Name == name);
        await using var writer = new StreamWriter(csv + ".tmp", false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync(Header);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            var date = new DateTime?[rows];
            var delay = new long?[rows];
            var distance = new long?[rows];
            var origin = new string?[rows];
            var destination = new string?[rows];
            await group.ReadAsync<DateTime>(field("date"), date.AsMemory());
            await group.ReadAsync<long>(field("delay"), delay.AsMemory());
            await group.ReadAsync<long>(field("distance"), distance.AsMemory());
            await group.ReadAsync(field("origin"), origin.AsMemory());
            await group.ReadAsync(field("destination"), destination.AsMemory());
            for (int i = 0; i < rows; i++)
            {
                var d = date[i]!.Value;
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{delay[i]},{distance[i]},{origin[i]},{destination[i]},{d.Hour:00}h,{d.ToString("MMMdd", CultureInfo.InvariantCulture)}"));
            }
        }
        writer.Close();
        File.Move(csv + ".tmp", csv, overwrite: true);
    }

    /// <summary>Writes a seeded file of the same shape: origin and destination with 300 levels each (Zipf), hour 24, day 182; the
    /// label is a sum of per-level effects, a distance term and noise.</summary>
    public static void Generate(string path, int rows, int seed)
    {
        var random = new SplitMix64(seed);
        double[] Effects(int n, double scale) => Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();
        var (originEffect, destinationEffect, hourEffect, dayEffect) = (Effects(300, 8), Effects(300, 8), Effects(24, 10), Effects(182, 12));
        var zipf = Enumerable.Range(1, 300).Select(k => 1 / Math.Pow(k, 1.1)).ToArray();
        double total = zipf.Sum();
        var cumulative = zipf.Select((w, k) => zipf.Take(k + 1).Sum() / total).ToArray();
        int Draw()
        {
            int i = Array.BinarySearch(cumulative, random.NextDouble());
            return Math.Min(299, i < 0 ? ~i : i);
        }
        var start = new DateTime(2001, 1, 1);
        using var writer = new StreamWriter(path + ".tmp", false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine(Header);
        for (int r = 0; r < rows; r++)
        {
            int o = Draw(), d = Draw(), h = (int)(random.NextDouble() * 24), day = (int)(random.NextDouble() * 182);
            int distance = 80 + (int)(random.NextDouble() * 2500);
            double delay = originEffect[o] + destinationEffect[d] + hourEffect[h] + dayEffect[day] + 0.002 * distance + 25 * (random.NextDouble() - 0.5) * 2;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Math.Round(delay)},{distance},A{o:000},A{d:000},{h:00}h,{start.AddDays(day).ToString("MMMdd", CultureInfo.InvariantCulture)}"));
        }
        writer.Close();
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Splits a CSV into a training file (about 80% of the rows) and a test file, by a seeded draw per row.</summary>
    public static (string Train, string Test) Split(string path, int seed)
    {
        string train = Path.ChangeExtension(path, ".train.csv"), test = Path.ChangeExtension(path, ".test.csv");
        if (File.Exists(train) && File.Exists(test))
            return (train, test);
        var random = new SplitMix64(seed);
        using (var reader = new StreamReader(path))
        using (var trainWriter = new StreamWriter(train + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        using (var testWriter = new StreamWriter(test + ".tmp", false, new UTF8Encoding(false), 1 << 20))
        {
            string header = reader.ReadLine()!;
            trainWriter.WriteLine(header);
            testWriter.WriteLine(header);
            while (reader.ReadLine() is { } line)
                (random.NextDouble() < 0.2 ? testWriter : trainWriter).WriteLine(line);
        }
        File.Move(train + ".tmp", train, overwrite: true);
        File.Move(test + ".tmp", test, overwrite: true);
        return (train, test);
    }
}
