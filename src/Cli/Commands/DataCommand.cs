using System.CommandLine;
using MlNetGd.Data;
using MlNetGd.IO;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd data synth</c>: the seeded generator of the bundled data/houses.csv.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Number of rows.", DefaultValueFactory = _ => HousePrices.DefaultRows }
            .Allow(n => n is >= 1 and <= 1_000_000, "must be in range [1, 1000000]");
        var seed = new Option<int>("--seed") { Description = "The seed.", DefaultValueFactory = _ => HousePrices.DefaultSeed };
        var output = new Option<string>("--out") { Description = "The CSV file to write (atomically).", DefaultValueFactory = _ => "houses.csv" };
        var kind = new Option<string>("--kind")
        {
            Description = "houses: numeric house prices (label 'price'); categorical: sales with numeric and Zipf-distributed categorical columns, " +
                "a yes/no column and empty cells (label 'revenue').",
            DefaultValueFactory = _ => "houses",
        };
        kind.AcceptOnlyFromAmong("houses", "categorical");
        var synth = new Command("synth", "Write a seeded synthetic data set: house prices (label 'price'; the defaults reproduce the bundled data/houses.csv byte for byte) " +
            "or, with --kind categorical, sales with categorical columns (label 'revenue').");
        synth.Add(kind);
        synth.Add(rows);
        synth.Add(seed);
        synth.Add(output);
        synth.SetAction(parse => CliRunner.Guard(parse, (stdout, _) =>
        {
            int n = parse.GetValue(rows);
            string path = parse.GetValue(output)!;
            AtomicFile.Check(path, "--out");
            int s = parse.GetValue(seed);
            AtomicFile.WriteAllText(path, parse.GetValue(kind) == "categorical" ? CategoricalSales.ToCsv(n, s) : HousePrices.ToCsv(n, s));
            stdout.WriteLine($"Wrote {n} rows to {path}.");
            return CliRunner.Ok;
        }));
        var data = new Command("data", "Data sets: 'synth' writes the seeded synthetic house-price data.");
        data.Add(synth);
        return data;
    }
}
