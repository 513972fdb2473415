using System.Globalization;
using MlNetGd.Comparison;
using static MlNetGd.Reports.ReportFormat;

namespace MlNetGd.Reports;

/// <summary>Builds the report's text: the verdict, the tables and the chart references.</summary>
internal static class ReportContent
{
    /// <param name="r">The comparison.</param>
    /// <param name="charts">The chart files and their captions.</param>
    /// <param name="withResultsJson">Whether results.json is written beside the report (the notebook view has none).</param>
    public static ReportDocument Build(ComparisonResult r, IReadOnlyList<(string File, string Caption)> charts, bool withResultsJson = true)
    {
        var doc = new ReportDocument();
        doc.Heading("MlNetGd trainer comparison", 1);
        doc.Paragraph($"Data: {r.DataSource}, {r.RowCount} rows, {r.FeatureCount} features, label '{r.LabelColumnName}'" +
            (r.FeatureColumns.Count > 0 ? $" (features: {string.Join(", ", r.FeatureColumns)}, scaled to unit variance by NormalizeMeanVariance, which keeps zeros at zero)." : "."));
        doc.Paragraph($"Evaluation: {r.Plan}, seed {r.Seed}; fit and scoring times are the median of {r.TimingRepeats} repeats. " +
            $"GradientDescent options: {string.Join(", ", r.GradientDescentOptions.Select(kv => $"{kv.Key}={kv.Value}"))}. " +
            $"Ran in {r.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s at {r.CreatedUtc}.");

        if (r.Featurization is { } plan)
        {
            doc.Heading("Featurization");
            doc.Paragraph($"Each column's kind was inferred from every row of the file (or given). The same features, fitted on each fold's training rows, " +
                $"feed every trainer and the least-squares optimum, and a model saved by 'mlnetgd train' holds the whole featurization. " +
                (plan.DroppedRowCount > 0
                    ? $"{plan.DroppedRowCount} of {plan.RowCount} rows have no label ('{plan.LabelColumnName}' is empty) and were dropped; {plan.RowCount - plan.DroppedRowCount} remain."
                    : $"Every one of the {plan.RowCount} rows has a label."));
            doc.Table(["Column", "Kind", "What was done", "Why"], plan.Columns.Select(c =>
                (IReadOnlyList<string>)[c.Name, c.Kind.ToString(), c.Treatment, c.Reason]));
            if (plan.Warnings.Count > 0)
                doc.Bullets(plan.Warnings.Select(w => "Warning: " + w).ToList());
            doc.Paragraph($"The used columns become {r.FeatureCount} features, concatenated and scaled to unit variance (NormalizeMeanVariance, which keeps zeros at zero so one-hot and text columns stay sparse).");
        }

        doc.Heading("Verdict");
        doc.Bullets(Verdict(r));

        doc.Heading("Accuracy on the test rows");
        var accuracy = r.Trainers.Select(t => (IReadOnlyList<string>)[t.DisplayName,
            t.Error is null ? Summary(t.Rmse, r.NumberOfFolds) : "failed",
            t.Error is null ? Summary(t.Mae, r.NumberOfFolds) : "failed",
            t.Error is null ? Summary(t.RSquared, r.NumberOfFolds) : "failed",
            Percent(t.GapToOptimum)]).ToList();
        if (r.Optimum.IsAvailable)
            accuracy.Add(["Least-squares optimum (reference)", Summary(r.Optimum.Rmse, r.NumberOfFolds), Summary(r.Optimum.Mae, r.NumberOfFolds),
                Summary(r.Optimum.RSquared, r.NumberOfFolds), Percent(0)]);
        doc.Table(["Trainer", "RMSE", "MAE", "R²", "RMSE gap to optimum"], accuracy);
        doc.Paragraph(r.Optimum.IsAvailable
            ? "The optimum is the exact least-squares fit of each fold's training rows (normal equations in double): no linear model fits the training rows better, so a linear trainer's gap shows how far its optimizer stopped from the best it could do. A negative gap on test rows is possible, and for a non-linear model it means the data has structure a line cannot capture."
            : $"No least-squares reference: {r.Optimum.Note}");
        if (r.Optimum.Caveat is not null)
            doc.Paragraph(r.Optimum.Caveat);
        foreach (var failed in r.Trainers.Where(t => t.Error is not null))
            doc.Paragraph(Failure(failed));

        doc.Heading("Speed");
        doc.Table(["Trainer", "Threads", "Fit time (median)", "Scoring throughput (rows/s)"], r.Trainers.Select(t =>
            (IReadOnlyList<string>)[t.DisplayName, Threads(t), Milliseconds(t.FitSeconds), Rate(t.ScoringRowsPerSecond)]));
        int scoringRows = r.Trainers.SelectMany(t => t.Folds).Select(f => f.ScoringRows).DefaultIfEmpty().Max();
        doc.Paragraph($"Threads: the most each trainer may use here; GradientDescent shares a batch among threads only from " +
            $"{MlNetGd.Trainers.Core.BatchGradient.DefaultMinParallelRows} rows. Scoring is timed on {scoringRows.ToString("N0", CultureInfo.InvariantCulture)} rows " +
            "(each fold's test rows repeated), so ML.NET's per-call set-up does not dominate.");

        var gd = r.Trainers.FirstOrDefault(t => t.CostCurves.Count > 0);
        if (gd is not null)
        {
            doc.Heading("GradientDescent training");
            doc.Table(["Fold", "Learning rate", "Epochs", "Stopped", "Final training cost", "Optimum training MSE", "Final validation cost", "Optimum validation MSE"],
                gd.CostCurves.Select(c => (IReadOnlyList<string>)[c.Fold.ToString(CultureInfo.InvariantCulture),
                    Number(c.LearningRate) + (c.LearningRateWasAutomatic ? " (automatic)" : ""), c.TrainingCost.Count.ToString(CultureInfo.InvariantCulture),
                    c.StopReason, Number(c.TrainingCost[^1]), Number(c.OptimumTrainingMse), Number(c.ValidationCost[^1]), Number(c.OptimumValidationMse)]));
            doc.Paragraph("The training cost is the mean of the minibatch MSEs over an epoch, each taken before its step; the validation cost is the MSE on the fold's test rows after the epoch.");
        }

        doc.Heading("Per fold");
        doc.Table(["Trainer", "Fold", "Train rows", "Test rows", "RMSE", "MAE", "R²", "Fit time"], r.Trainers.SelectMany(t => t.Folds.Select(f =>
            (IReadOnlyList<string>)[t.Name, f.Fold.ToString(CultureInfo.InvariantCulture), f.TrainRows.ToString(CultureInfo.InvariantCulture),
                f.TestRows.ToString(CultureInfo.InvariantCulture), Number(f.Rmse), Number(f.Mae), Number(f.RSquared), Milliseconds(f.FitSeconds)])));

        doc.Heading("Charts");
        foreach (var (file, caption) in charts)
            doc.Image(file, caption);
        if (withResultsJson)
            doc.Paragraph("Every raw figure is in results.json.");
        return doc;
    }

    private static List<string> Verdict(ComparisonResult r)
    {
        var lines = new List<string>();
        var ok = r.Trainers.Where(t => t.Error is null && double.IsFinite(t.Rmse.Mean)).OrderBy(t => t.Rmse.Mean).ToList();
        if (ok.Count == 0)
        {
            lines.Add("No trainer produced a result.");
            return lines;
        }
        if (r.LabelIsConstant)
        {
            lines.Add($"Every label is {r.LabelMean.ToString("G9", CultureInfo.InvariantCulture)}: the data has no variance to explain, so R² and " +
                "the gap to the optimum mean nothing (they are n/a); a trainer can only predict the constant or miss it. RMSE: " +
                string.Join("; ", ok.Select(t => $"{t.DisplayName} {Number(t.Rmse.Mean)}")) + ".");
            foreach (var failed in r.Trainers.Where(t => t.Error is not null))
                lines.Add(Failure(failed));
            return lines;
        }
        var best = ok[0];
        lines.Add(ok.Count > 1
            ? $"Most accurate: {best.DisplayName}, RMSE {Number(best.Rmse.Mean)}, {Relative(ok[1].Rmse.Mean, best.Rmse.Mean)} lower than the runner-up {ok[1].DisplayName} ({Number(ok[1].Rmse.Mean)})."
            : $"Only {best.DisplayName} ran: RMSE {Number(best.Rmse.Mean)}.");
        var linear = ok.Where(t => t.IsLinear).ToList();
        if (r.Optimum.IsAvailable && linear.Count > 0)
        {
            lines.Add("Gap to the least-squares optimum (RMSE " + Number(r.Optimum.Rmse.Mean) + "): " +
                string.Join("; ", linear.Select(t => $"{t.DisplayName} {Percent(t.GapToOptimum)}")) + ".");
            var ours = r.Trainers.FirstOrDefault(t => t.Name == "gd" && t.Error is null);
            if (ours is not null && r.Optimum.Caveat is not null)
                lines.Add($"GradientDescent is {Percent(ours.GapToOptimum)} from the optimum on the test rows, but the optimum overfits here (see below): compare the final training costs in 'GradientDescent training' instead.");
            else if (ours is not null)
                lines.Add(Math.Abs(ours.GapToOptimum) <= 0.01
                    ? $"GradientDescent is within 1% of the optimum ({Percent(ours.GapToOptimum)}): its optimizer converged."
                    : $"GradientDescent is {Percent(ours.GapToOptimum)} from the optimum: it stopped before reaching the optimum. More epochs, Tolerance=0 and a larger batch (less minibatch noise) close the gap; correlated features slow plain gradient descent down.");
        }
        var trees = ok.FirstOrDefault(t => t.Trainer == ComparisonTrainer.FastTree);
        if (trees is not null && r.Optimum.IsAvailable)
            lines.Add(trees.GapToOptimum < -0.01
                ? $"The non-linear reference FastTree's RMSE is {Relative(r.Optimum.Rmse.Mean, trees.Rmse.Mean)} lower than the least-squares optimum's: the data has non-linear structure that no linear model can capture."
                : $"FastTree does not beat the best linear model by more than 1% ({Percent(trees.GapToOptimum)}): a linear model is enough here.");
        if (ok.Count < 2)
            return lines;
        var fit = Leaders(ok, t => t.Folds.Select(f => f.FitSeconds).ToList(), lowerIsBetter: true);
        var slowest = ok.OrderBy(t => t.FitSeconds).Last();
        lines.Add((fit.Count == 1
            ? $"Fastest to fit: {fit[0].DisplayName} ({Milliseconds(fit[0].FitSeconds)}, {Threads(fit[0])})"
            : $"Fastest to fit: no clear winner between {string.Join(", ", fit.Select(t => $"{t.DisplayName} ({Milliseconds(t.FitSeconds)}, {Threads(t)})"))}: their per-fold median fit times overlap") +
            (fit.Contains(slowest) ? "." : $"; slowest: {slowest.DisplayName} ({Milliseconds(slowest.FitSeconds)}, {Threads(slowest)}, {Ratio(slowest.FitSeconds, fit[0].FitSeconds)} longer)."));
        var scoring = Leaders(ok, t => t.Folds.Select(f => f.ScoringRowsPerSecond).ToList(), lowerIsBetter: false);
        lines.Add(scoring.Count == 1
            ? $"Fastest to score: {scoring[0].DisplayName} ({Rate(scoring[0].ScoringRowsPerSecond)} rows/s), ahead of every other trainer in every fold."
            : $"Scoring throughput: no clear winner between {string.Join(", ", scoring.Select(t => $"{t.DisplayName} ({Rate(t.ScoringRowsPerSecond)})"))} rows/s: their per-fold measurements overlap.");
        foreach (var failed in r.Trainers.Where(t => t.Error is not null))
            lines.Add(Failure(failed));
        return lines;
    }

    /// <summary>The best trainer by median of <paramref name="samples"/>, and every other trainer the measurements cannot tell apart from
    /// it: their ranges overlap, or, with a single measurement each, they differ by less than a factor 2 (timing noise on a shared machine).</summary>
    private static List<TrainerResult> Leaders(List<TrainerResult> trainers, Func<TrainerResult, List<double>> samples, bool lowerIsBetter)
    {
        double sign = lowerIsBetter ? 1 : -1;
        var ranked = trainers.Select(t => (Trainer: t, Values: samples(t).Select(v => sign * v).ToList()))
            .Where(x => x.Values.Count > 0).OrderBy(x => Median(x.Values)).ToList();
        if (ranked.Count == 0)
            return [];
        var best = ranked[0];
        return ranked.Where(x => x.Trainer == best.Trainer || Indistinct(best.Values, x.Values)).Select(x => x.Trainer).ToList();

        static bool Indistinct(List<double> best, List<double> other) =>
            best.Count > 1 && other.Count > 1
                ? other.Min() <= best.Max()
                : Math.Abs(other.Min()) < 2 * Math.Abs(best.Max()) && Math.Abs(best.Max()) < 2 * Math.Abs(other.Min());
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Threads(TrainerResult t) => t.NumberOfThreads == 1 ? "1 thread" : $"up to {t.NumberOfThreads} threads";

    /// <summary>How much lower <paramref name="smaller"/> is than <paramref name="larger"/>, as a percentage of the larger.</summary>
    private static string Relative(double larger, double smaller) =>
        ((1 - smaller / larger) * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Ratio(double larger, double smaller) =>
        (larger / Math.Max(smaller, 1e-12)).ToString("F1", CultureInfo.InvariantCulture) + "x";
}
