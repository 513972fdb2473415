using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Cli;

/// <summary><c>mlnetgd train</c> on the 3M-row flights CSV against pandas + scikit-learn on the same file: wall time and peak memory
/// of each whole run (alternating rounds, medians), then the held-out RMSE of the tool's model against the least-squares optimum.</summary>
internal static class FlightsBench
{
    private const string Label = "delay";

    public static string Run(BenchOptions options)
    {
        var (csv, source) = FlightsData.Get(options.Directory, options.Generated);
        string? python = PythonSide.Find(options.Python);
        string model = Path.Combine(options.Directory, "flights-model.zip");
        var runs = new List<TimedRun>();
        var contenders = new List<(string Name, Func<TimedRun> Run)>
        {
            ("mlnetgd train", () => TimedRun.Start("mlnetgd train", options.Cli, ["train", "--data", csv, "--label", Label, "--model", model, "-q"])),
        };
        if (python is not null)
        {
            contenders.Add(("pandas + sklearn SGDRegressor (5 epochs)", () => TimedRun.Start("pandas + sklearn SGDRegressor (5 epochs)", python, [PythonSide.Script, csv, Label, "sgd"])));
            contenders.Add(("pandas + sklearn Ridge(sparse_cg)", () => TimedRun.Start("pandas + sklearn Ridge(sparse_cg)", python, [PythonSide.Script, csv, Label, "ridge"])));
        }
        for (int round = 0; round < options.Rounds; round++)
        {
            for (int i = 0; i < contenders.Count; i++)
            {
                var (name, run) = contenders[(i + round) % contenders.Count];   // alternate who goes first
                var result = run();
                runs.Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}: {name}: {result.WallSeconds:F2} s, {result.PeakMegabytes:F0} MB"));
            }
        }

        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Data: {csv} ({new FileInfo(csv).Length / 1e6:F1} MB), {source}. {options.Rounds} alternating rounds; medians.\n"));
        text.AppendLine("| run | wall time (s), median | per round | peak RSS (MB), median | per round |");
        text.AppendLine("|---|---:|---|---:|---|");
        foreach (var name in contenders.Select(c => c.Name))
        {
            var mine = runs.Where(r => r.Name == name).ToList();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {TimedRun.Median(mine.Select(r => r.WallSeconds)):F2} | {string.Join(" / ", mine.Select(r => r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture)))} | " +
                $"{TimedRun.Median(mine.Select(r => r.PeakMegabytes)):F0} | {string.Join(" / ", mine.Select(r => r.PeakMegabytes.ToString("F0", CultureInfo.InvariantCulture)))} |"));
        }
        double ours = TimedRun.Median(runs.Where(r => r.Name == "mlnetgd train").Select(r => r.WallSeconds));
        double oursMemory = TimedRun.Median(runs.Where(r => r.Name == "mlnetgd train").Select(r => r.PeakMegabytes));
        string? fastest = null;
        if (python is not null)
        {
            fastest = contenders.Skip(1).Select(c => c.Name).MinBy(n => TimedRun.Median(runs.Where(r => r.Name == n).Select(r => r.WallSeconds)))!;
            double theirs = TimedRun.Median(runs.Where(r => r.Name == fastest).Select(r => r.WallSeconds));
            double theirMemory = TimedRun.Median(runs.Where(r => r.Name == fastest).Select(r => r.PeakMegabytes));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"\nAgainst the fastest Python pipeline ({fastest}): wall time {ours:F2} / {theirs:F2} = **{ours / theirs:F2}x** (target <= 0.5: {Verdict(ours / theirs <= 0.5)}); " +
                $"peak RSS {oursMemory:F0} / {theirMemory:F0} MB = **{oursMemory / theirMemory:F2}x** (target <= 0.5: {Verdict(oursMemory / theirMemory <= 0.5)})."));
        }
        else
        {
            text.AppendLine("\npandas + scikit-learn: skipped (not installed); no ratio.");
        }
        text.AppendLine();
        text.Append(Accuracy(options, csv, python, fastest));
        return text.ToString();
    }

    /// <summary>Trains with the tool on about 80% of the rows, scores the rest with <c>mlnetgd predict</c>, and compares the RMSE with
    /// the least-squares optimum of the same features on the same training rows (and with the fastest Python pipeline's).</summary>
    private static string Accuracy(BenchOptions options, string csv, string? python, string? fastest)
    {
        var (train, test) = FlightsData.Split(csv, seed: 11);
        string model = Path.Combine(options.Directory, "flights-train-model.zip");
        string scored = Path.Combine(options.Directory, "flights-test-scored.csv");
        TimedRun.Start("mlnetgd train (80%)", options.Cli, ["train", "--data", train, "--label", Label, "--model", model, "-q"]);
        TimedRun.Start("mlnetgd predict", options.Cli, ["predict", "--model", model, "--data", test, "--out", scored]);
        var scores = DelimitedFile.Read(scored);
        var ml = new MLContext(0);
        var view = scores.Load(ml, [(Label, Microsoft.ML.Data.DataKind.Single), ("Score", Microsoft.ML.Data.DataKind.Single)]);
        var labels = view.GetColumn<float>(Label).ToArray();
        double tool = Rmse(labels, view.GetColumn<float>("Score").Select(s => (double)s).ToArray());

        var trainFile = DelimitedFile.Read(train);
        var plan = ColumnInference.Infer(trainFile, Label);
        var featurizer = plan.CreatePipeline(ml).Fit(plan.Load(ml, trainFile));
        var rows = DataViewReader.ReadRows(featurizer.Transform(plan.Load(ml, trainFile)), Label, plan.FeatureColumnName, false, out _);
        var optimum = LeastSquaresSolver.Optimum(rows);
        var testFile = DelimitedFile.Read(test);
        var testRows = DataViewReader.ReadRows(featurizer.Transform(plan.Load(ml, testFile)), Label, plan.FeatureColumnName, false, out _);
        double best = Rmse(testRows.Labels.ToArray(), LeastSquaresSolver.Predict(testRows, optimum.Weights!, optimum.Bias));

        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Held-out RMSE ({testRows.RowCount:N0} test rows; trained on the other {rows.RowCount:N0}): `mlnetgd train` + `mlnetgd predict` {tool:F4}; " +
            $"least-squares optimum of the same features ({optimum.Method}) {best:F4}; ratio **{tool / best:F4}** (target <= 1.005: {Verdict(tool / best <= 1.005)})"));
        if (python is not null && fastest is not null)
        {
            string mode = fastest.Contains("SGD", StringComparison.Ordinal) ? "sgd" : "ridge";
            var run = TimedRun.Start(fastest, python, [PythonSide.Script, train, Label, mode, test]);
            string line = run.Output.Split('\n').First(l => l.StartsWith("test RMSE", StringComparison.Ordinal));
            double theirs = double.Parse(line["test RMSE ".Length..], CultureInfo.InvariantCulture);
            text.Append(string.Create(CultureInfo.InvariantCulture, $"; {fastest} {theirs:F4} ({theirs / best:F4}x the optimum)"));
        }
        return text.Append(".\n").ToString();
    }

    private static double Rmse(IReadOnlyList<float> labels, IReadOnlyList<double> predictions)
    {
        double sum = 0;
        for (int i = 0; i < labels.Count; i++)
            sum += (predictions[i] - labels[i]) * (predictions[i] - labels[i]);
        return Math.Sqrt(sum / labels.Count);
    }

    internal static string Verdict(bool met) => met ? "met" : "MISSED";
}
