using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.IO;
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

    /// <summary>The fewest rows a fold's test part, or either side of a test split, may expect. ML.NET assigns rows to parts by a seeded
    /// hash, so a part expecting fewer is too often empty (a fold expecting 5 rows is empty with probability e^-5 = 0.7%); the comparison
    /// also checks that no part came out empty before it fits anything.</summary>
    public const int MinRowsPerPart = 5;

    public static Command Create()
    {
        var common = new CommonOptions();
        var trainers = new Option<string>("--trainers")
        { HelpName = "LIST", Description = "Comma-separated trainers: gd (MlNetGd GradientDescent), sdca, ogd (OnlineGradientDescent), poisson (LbfgsPoissonRegression), fasttree.", DefaultValueFactory = _ => "gd,sdca,ogd,poisson,fasttree" }
            .Check(list => TrainerNames.TryParse(list, out _, out string? problem) ? null : $"--trainers: {problem}");
        var folds = new Option<int?>("--cv") { HelpName = "K", Description = $"k-fold cross-validation with K folds (2-100, and at most one fold per {MinRowsPerPart} labelled rows). [default: {DefaultFolds} folds (fewer below {DefaultFolds * MinRowsPerPart} rows) unless --test-fraction is given; one 20% test split above {LargeDataRows} rows]" }
            .Allow(k => k is >= 2 and <= 100, "must be in range [2, 100]");
        var fraction = new Option<double?>("--test-fraction") { HelpName = "F", Description = $"Hold out this fraction (0-1) in one seeded split instead of cross-validation; each side needs at least {MinRowsPerPart} rows." }
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
        command.AddSamenessRule(common.DataInput(), new(output.Name, result => result.GetValue(output), PathRules.Role.OutputDirectory));
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, stderr) =>
        {
            var clock = Stopwatch.StartNew();
            string label = common.LabelOf(parse);
            string directory = parse.GetValue(output)!;
            ReportWriter.Check(directory);   // a report that could not be written fails now, changing nothing
            using var progress = common.Progress(parse, stderr, "compare");
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
            using var input = InputSpool.Open(common.DataPath(parse));   // a pipe is read once, into a temporary copy
            var file = common.ReadData(parse, input, progress.Mode == ProgressMode.Verbose ? progress.Status : null);
            var featurization = ColumnInference.Infer(file, label, options.Columns, options.FeatureColumnName);
            int rows = featurization.RowCount - featurization.DroppedRowCount;
            var (plan, problem) = Plan(parse.GetValue(folds), parse.GetValue(fraction), rows);
            if (problem is not null)
            {
                progress.Dispose();
                return CliRunner.BadArgument(stderr, problem);
            }
            bool large = rows > LargeDataRows;
            options.Plan = plan!;
            options.TimingRepeats = parse.GetValue(repeats) ?? (large ? 1 : ComparisonOptions.DefaultTimingRepeats);
            stdout.WriteLine(featurization);
            CommonOptions.Warn(stderr, featurization);

            // The lock only now that every input passed its checks: a run refused above leaves nothing behind.
            using var report = ReportWriter.Begin(directory);
            var result = TrainerComparison.RunOnFile(file, featurization, options);
            var files = ReportWriter.Write(result, report);
            progress.Dispose();   // clears the status line before the summary
            PrintSummary(stdout, result);
            stdout.WriteLine($"Report: {Path.Combine(directory, "report.md")} (also report.html, results.json and {files.Count(f => f.EndsWith(".png", StringComparison.Ordinal))} charts), {clock.Elapsed.TotalSeconds:F1} s.");
            return CliRunner.Ok;
        }));
        return command;
    }

    /// <summary>The plan the options ask for, checked against the labelled row count, or the default plan for that count (5 folds, fewer
    /// on small data; one 20% split above <see cref="LargeDataRows"/> rows). Bad values were parse errors, and so was --cv with
    /// --test-fraction; what remains is a value the data is too small for, which is named with the range the data allows.</summary>
    internal static (EvaluationPlan? Plan, string? Problem) Plan(int? folds, double? fraction, int rows)
    {
        string n = rows.ToString("N0", CultureInfo.InvariantCulture);
        if (fraction is double f)
        {
            double lowest = (double)MinRowsPerPart / rows, highest = 1 - lowest;
            if (f * rows >= MinRowsPerPart && (1 - f) * rows >= MinRowsPerPart)
                return (EvaluationPlan.TestSplit(f), null);
            return (null, lowest > highest
                ? Invariant($"--test-fraction {f}: {n} labelled rows are too few to split; each side needs at least {MinRowsPerPart} rows.")
                : Invariant($"--test-fraction {f} holds out about {f * rows:0} of the {n} labelled rows and trains on about {(1 - f) * rows:0}; each side needs at least {MinRowsPerPart}: with {n} rows it must be in range [{Math.Ceiling(lowest * 1e4) / 1e4}, {Math.Floor(highest * 1e4) / 1e4}]."));
        }
        int most = Math.Min(100, rows / MinRowsPerPart);
        if (folds is int k)
        {
            if (k <= most)
                return (EvaluationPlan.CrossValidation(k), null);
            return (null, most < 2
                ? Invariant($"--cv {k}: {n} labelled rows are too few to cross-validate; each fold needs at least {MinRowsPerPart} test rows, so at least {2 * MinRowsPerPart} rows.")
                : Invariant($"--cv {k}: {n} labelled rows allow at most {most} folds (each fold needs at least {MinRowsPerPart} test rows): it must be in range [2, {most}]."));
        }
        if (rows > LargeDataRows)
            return (EvaluationPlan.TestSplit(EvaluationPlan.DefaultTestFraction), null);
        if (most < 2)
            return (null, Invariant($"{n} labelled rows are too few to evaluate trainers: cross-validation needs at least {2 * MinRowsPerPart} rows ({MinRowsPerPart} test rows per fold)."));
        return (EvaluationPlan.CrossValidation(Math.Min(DefaultFolds, most)), null);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void PrintSummary(TextWriter stdout, ComparisonResult r)
    {
        stdout.WriteLine($"{r.DataSource}: {r.RowCount} rows, {r.FeatureCount} features, label '{r.LabelColumnName}', {r.Plan}, seed {r.Seed}");
        stdout.WriteLine($"{"trainer",-28} {"RMSE",-22} {"MAE",-22} {"R²",-18} {"gap",-9} {"fit",-10} rows/s");
        foreach (var t in r.Trainers)
        {
            if (t.Error is not null)
            {
                stdout.WriteLine($"{t.DisplayName,-28} {FailureReason(t)}");
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
