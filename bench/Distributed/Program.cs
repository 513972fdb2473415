using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Bench.Distributed;
using MlNetGd.Cluster;
using MlNetGd.Trainers;

// Distributed fits on k = 1, 2, 3 'mlnetgd worker' processes on this machine, one shard of --rows rows each, against the single-process
// fit of the same rows: seconds per round, the share of a round outside the slowest worker's epoch (messages, waiting, reduction),
// payload bytes per round, memory per worker, held-out MSE. Both fits run a fixed number of epochs (--rounds, constant rate, no
// stopping rule), so the comparison is like for like and the per-round figures are medians over warm rounds (the first is left out).
//   dotnet run -c Release --project bench/Distributed [-- --rows 1000000 --workers 1,2,3 --kinds dense,onehot --dir /tmp/mlnetgd-distributed-bench]
//   [--rounds 100 --tolerance 1e-4: the default stopping rule instead, for the rounds a fit takes to stop]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
int rows = int.Parse(Arg("--rows", "1000000"));
int rounds = int.Parse(Arg("--rounds", "6"));
double tolerance = double.Parse(Arg("--tolerance", "0")); // 1e-4 with a large --rounds: the default stopping rule, rounds to stop
int testRows = int.Parse(Arg("--test-rows", "200000"));
int[] ks = Arg("--workers", "1,2,3").Split(',').Select(int.Parse).ToArray();
string[] kinds = Arg("--kinds", "dense,onehot").Split(',');
string directory = Arg("--dir", Path.Combine(Path.GetTempPath(), "mlnetgd-distributed-bench"));
Directory.CreateDirectory(directory);
Console.WriteLine($"rows per shard {rows:N0}, held-out rows {testRows:N0}, {Environment.ProcessorCount} cores");
ReductionProbe.Print(ks);
Console.WriteLine("| data | k | rows | rounds | s/round (median) | worker epoch s (median) | communication + reduction share (median) | reduction s (median) | payload bytes/round | prepare s (slowest shard) | worker RSS after / peak MiB | held-out MSE: distributed / single-process | single-process s/epoch | single-process epochs |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
foreach (string kind in kinds)
{
    bool oneHot = kind == "onehot";
    var shards = Enumerable.Range(0, ks.Max()).Select(j => Path.Combine(directory, $"{kind}-{rows}-{j}.csv")).ToArray();
    Parallel.For(0, shards.Length + 1, j =>
        ShardFiles.Write(j < shards.Length ? shards[j] : Path.Combine(directory, $"{kind}-test-{testRows}.csv"), oneHot, j < shards.Length ? rows : testRows, 100 + j));
    string test = Path.Combine(directory, $"{kind}-test-{testRows}.csv");
    var ml = new MLContext(0);
    var columns = ShardFiles.Header(oneHot).Split(',').Select(c => new ShardColumn { Name = c, IsNumber = c != "item" }).ToArray();
    var loader = ml.Data.CreateTextLoader(columns.Select((c, i) => new TextLoader.Column(c.Name, c.IsNumber ? DataKind.Single : DataKind.String, i)).ToArray(),
        separatorChar: ',', hasHeader: true);
    // The featurization, fitted once on the first 100,000 rows of shard 0: 64 columns as they are, or the item hashed into 2^16 slots.
    IEstimator<ITransformer> pipeline = oneHot
        ? ml.Transforms.Categorical.OneHotHashEncoding("item", numberOfBits: 16).Append(ml.Transforms.Concatenate("Features", "item", "amount"))
        : ml.Transforms.Concatenate("Features", columns.Where(c => c.Name != "y").Select(c => c.Name).ToArray());
    var sample = ml.Data.TakeRows(loader.Load(shards[0]), 100_000);
    var featurizer = pipeline.Fit(sample);
    var format = ClusterFeaturization.CreateFormat(ml, featurizer, sample.Schema, columns, ',', "y", "Features");
    var held = featurizer.Transform(loader.Load(test));
    foreach (int k in ks)
    {
        var mine = shards[..k];
        DistributedFit fit;
        List<(double Resident, double Peak)> memory;
        using (var workers = Workers.Start(k, Path.Combine(directory, "work")))
        {
            await using var connection = await ClusterConnection.ConnectAsync(workers.Gateways.Select(g => ClusterEndpoints.Parse(g, "gateway")).ToArray(), TimeSpan.FromSeconds(60));
            fit = await DistributedGradientDescent.FitAsync(connection.Client, mine, format, new DistributedOptions
            {
                Workers = workers.Gateways.ToArray(), FaultTimeout = TimeSpan.FromSeconds(120), NumberOfEpochs = rounds, Tolerance = tolerance,
            });
            memory = workers.Memory().ToList();
        }
        double distributed = ml.Regression.Evaluate(fit.Model.Transform(held), "y").MeanSquaredError;

        // The single-process fit of the same rows: the same featurizer, the trainer's defaults (rows in memory).
        var epochTimes = new List<double>();
        var clock = Stopwatch.StartNew();
        var local = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options
        {
            LabelColumnName = "y",
            NumberOfEpochs = rounds,
            Tolerance = tolerance,
            EpochCompleted = _ => epochTimes.Add(clock.Elapsed.TotalSeconds),
        });
        var model = local.Fit(featurizer.Transform(loader.Load(new MultiFileSource(mine))));
        double single = ml.Regression.Evaluate(model.Transform(held), "y").MeanSquaredError;
        double localEpoch = epochTimes.Count > 1 ? Median(epochTimes.Zip(epochTimes.Skip(1), (a, b) => b - a)) : double.NaN;

        if (args.Contains("--history"))
            Console.WriteLine($"  distributed: {fit.History}: {string.Join(" ", fit.History.Epochs.Select(e => $"{e.TrainingCost:G4}@{e.LearningRate:G3}"))}\n  single process: {local.LastHistory}\n  rounds (s, slowest worker s, reduction s): {string.Join(" ", fit.Rounds.Select(x => $"{x.Seconds:F3}/{x.WorkerSeconds:F3}/{x.ReductionSeconds:F4}"))}");
        var r = fit.Rounds.Skip(1).ToArray(); // warm rounds
        Console.WriteLine($"| {kind} (d = {format.FeatureCount}) | {k} | {fit.RowCount:N0} | {fit.Rounds.Count} | {Median(r.Select(x => x.Seconds)):F4} | {Median(r.Select(x => x.WorkerSeconds)):F4} | " +
            $"{Median(r.Select(x => x.CommunicationShare)):P1} | {Median(r.Select(x => x.ReductionSeconds)):F4} | {r[0].PayloadBytes:N0} | {fit.Shards.Max(s => s.Seconds):F1} | " +
            $"{string.Join(", ", memory.Select(m => $"{m.Resident:F0} / {m.Peak:F0}"))} | {distributed:G6} / {single:G6} ({Math.Round((distributed / single - 1) * 100, 2):+0.00;-0.00;0.00}%) | {localEpoch:F4} | {local.LastHistory!.EpochCount} |");
    }
}
return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
