using System.CommandLine;
using System.Diagnostics;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Reports;
using static MlNetGd.Reports.ReportFormat;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd compare</c>: GradientDescent against ML.NET's trainers on one data set, written as a report directory.</summary>
internal static class CompareCommand
{
    public const int DefaultFolds = 5;

    /// <summary>Above this many rows the default plan is one 20% test split with one timing repeat instead of 5-fold cross-validation
    /// with three (ML.NET's AutoML also stops cross-validating large data).</summary>
    public const int LargeDataRows = 100_000;

    public static Command Create()
    {
        var common = new CommonOptions();
        var trainers = new Option<string>("--trainers")
        { HelpName = "LIST", Description = "Comma-separated trainers: gd (MlNetGd GradientDescent), sdca, ogd (OnlineGradientDescent), poisson (LbfgsPoissonRegression), fasttree.", DefaultValueFactory = _ => "gd,sdca,ogd,poisson,fasttree" }
            .Check(list => TrainerNames.TryParse(list, out _, out string? problem) ? null : $"--trainers: {problem}");
        var folds = new Option<int?>("--cv") { HelpName = "K", Description = $"k-fold cross-validation with K folds (2-100). [default: {DefaultFolds} folds unless --test-fraction is given; one 20% test split above {LargeDataRows} rows]" }
            .Allow(k => k is >= 2 and <= 100, "must be in range [2, 100]");
        var fraction = new Option<double?>("--test-fraction") { HelpName = "F", Description = "Hold out this fraction (0-1) in one seeded split instead of cross-validation." }
            .Allow(f => f is > 0 and < 1, "must be in range (0, 1)");
        var repeats = new Option<int?>("--repeats") { HelpName = "N", Description = $"How many times each fit and scoring pass is timed (the median is reported). [default: {ComparisonOptions.DefaultTimingRepeats}, or 1 above {LargeDataRows} rows]" }
            .Allow(n => n is >= 1 and <= 100, "must be in range [1, 100]");
        var output = new Option<string>("--out") { HelpName = "DIR", Description = "The report directory (created if its parent exists; replaced as a whole when the run ends, so it never mixes two runs).", DefaultValueFactory = _ => "reports" };

        var command = new Command("compare", "Compare MlNetGd's GradientDescent with SDCA, OnlineGradientDescent, LbfgsPoissonRegression and FastTree on a CSV/TSV file, " +
            "against the exact least-squares optimum, and write report.md, report.html, PNG charts and results.json. With no arguments it runs on the bundled data/houses.csv and writes ./reports/.");
        common.AddDataOptions(command);
        common.AddColumnKindOptions(command);
        command.Add(trainers);
        command.Add(folds);
        command.Add(fraction);
        command.Add(common.Seed);
        command.Add(repeats);
        command.Add(output);
        common.AddGradientDescentOptions(command);
        command.Add(common.Quiet);
        command.Add(common.Verbose);
        command.Validators.Add(result =>
        {
            if (result.GetResult(folds) is not null && result.GetResult(fraction) is not null)
                result.AddError("--cv and --test-fraction cannot be used together; choose cross-validation or one split.");
        });
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, stderr) =>
        {
            var clock = Stopwatch.StartNew();
            string label = parse.GetValue(common.Label)!;
            using var progress = common.Progress(parse, stderr, "compare");
            var plan = Plan(parse.GetValue(folds), parse.GetValue(fraction));
            int? timingRepeats = parse.GetValue(repeats);
            var options = new ComparisonOptions
            {
                LabelColumnName = label,
                Seed = parse.GetValue(common.Seed),
                Trainers = TrainerNames.Parse(parse.GetValue(trainers)!),
                GradientDescent = common.GradientDescent(parse, label),
                Columns = common.Overrides(parse),
                Progress = progress.Record,
                Status = progress.Status,
            };
            string directory = parse.GetValue(output)!;
            using var report = ReportWriter.Begin(directory);   // locks the directory for the whole run; removed unless committed

            var file = common.ReadData(parse, progress.Mode == ProgressMode.Verbose ? progress.Status : null);
            bool large = file.RowCount > LargeDataRows;
            options.Plan = plan ?? (large ? EvaluationPlan.TestSplit(0.2) : EvaluationPlan.CrossValidation(DefaultFolds));
            options.TimingRepeats = timingRepeats ?? (large ? 1 : ComparisonOptions.DefaultTimingRepeats);
            var featurization = ColumnInference.Infer(file, label, options.Columns, options.FeatureColumnName);
            stdout.WriteLine(featurization);
            CommonOptions.Warn(stderr, featurization);
            var result = TrainerComparison.RunOnFile(file, featurization, options);
            var files = ReportWriter.Write(result, report);
            progress.Dispose();   // clears the status line before the summary
            PrintSummary(stdout, result);
            stdout.WriteLine($"Report: {Path.Combine(directory, "report.md")} (also report.html, results.json and {files.Count(f => f.EndsWith(".png", StringComparison.Ordinal))} charts), {clock.Elapsed.TotalSeconds:F1} s.");
            return CliRunner.Ok;
        }));
        return command;
    }

    /// <summary>The plan the options ask for, or <see langword="null"/> when neither is given (chosen from the row count). The options'
    /// parse-time checks have rejected bad values and --cv with --test-fraction.</summary>
    private static EvaluationPlan? Plan(int? folds, double? fraction) =>
        fraction is double f ? EvaluationPlan.TestSplit(f) : folds is int k ? EvaluationPlan.CrossValidation(k) : null;

    private static void PrintSummary(TextWriter stdout, ComparisonResult r)
    {
        stdout.WriteLine($"{r.DataSource}: {r.RowCount} rows, {r.FeatureCount} features, label '{r.LabelColumnName}', {r.Plan}, seed {r.Seed}");
        stdout.WriteLine($"{"trainer",-28} {"RMSE",-22} {"MAE",-22} {"R²",-18} {"gap",-9} {"fit",-10} rows/s");
        foreach (var t in r.Trainers)
        {
            if (t.Error is not null)
            {
                stdout.WriteLine($"{t.DisplayName,-28} failed: {t.Error}");
                continue;
            }
            stdout.WriteLine($"{t.DisplayName,-28} {Summary(t.Rmse, r.NumberOfFolds),-22} {Summary(t.Mae, r.NumberOfFolds),-22} {Summary(t.RSquared, r.NumberOfFolds),-18} " +
                $"{Percent(t.GapToOptimum),-9} {Milliseconds(t.FitSeconds),-10} {Rate(t.ScoringRowsPerSecond)}");
        }
        if (r.Optimum.IsAvailable)
            stdout.WriteLine($"{"least-squares optimum",-28} {Summary(r.Optimum.Rmse, r.NumberOfFolds),-22} {Summary(r.Optimum.Mae, r.NumberOfFolds),-22} {Summary(r.Optimum.RSquared, r.NumberOfFolds),-18}");
        else
            stdout.WriteLine($"No least-squares reference: {r.Optimum.Note}");
    }
}
