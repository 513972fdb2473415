using System.Globalization;
using MlNetGd.Comparison;
using MlNetGd.Trainers.Core;
using ScottPlot;

namespace MlNetGd.Reports;

/// <summary>Draws the comparison's charts as PNG bytes with ScottPlot (headless, SkiaSharp).</summary>
public static class ChartRenderer
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>GradientDescent's training and validation cost per epoch on fold 1, log scale, with the optimum's MSE as lines.</summary>
    /// <returns>The PNG, or <see langword="null"/> when there is no cost curve.</returns>
    public static byte[]? CostPerEpoch(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var curve = result.Trainers.FirstOrDefault(t => t.CostCurves.Count > 0)?.CostCurves[0];
        if (curve is null)
            return null;
        var plot = new Plot();
        double[] epochs = Enumerable.Range(1, curve.TrainingCost.Count).Select(e => (double)e).ToArray();
        AddLogLine(plot, epochs, curve.TrainingCost, "training cost (mean minibatch MSE)", Colors.Blue);
        AddLogLine(plot, epochs, curve.ValidationCost, "validation cost (MSE on test rows)", Colors.Orange);
        AddOptimum(plot, curve.OptimumTrainingMse, "optimum, training rows", Colors.Blue);
        AddOptimum(plot, curve.OptimumValidationMse, "optimum, test rows", Colors.Orange);
        return CostChart(plot, $"GradientDescent cost per epoch (fold {curve.Fold}, learning rate {curve.LearningRate:G3}{(curve.LearningRateWasAutomatic ? ", automatic" : "")})");
    }

    /// <summary>A fit's training cost per epoch (and its validation cost, when it held rows out), log scale.</summary>
    /// <returns>The PNG, or <see langword="null"/> when the fit ran no epoch.</returns>
    public static byte[]? CostPerEpoch(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.EpochCount == 0)
            return null;
        var plot = new Plot();
        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        AddLogLine(plot, epochs, history.Epochs.Select(e => e.TrainingCost).ToList(), "training cost (mean minibatch MSE)", Colors.Blue);
        if (history.Epochs.Any(e => double.IsFinite(e.ValidationCost)))
            AddLogLine(plot, epochs, history.Epochs.Select(e => e.ValidationCost).ToList(), "validation cost (MSE on held-out rows)", Colors.Orange);
        return CostChart(plot, $"Cost per epoch (learning rate {history.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}" +
            $"{(history.LearningRateWasAutomatic ? ", automatic" : "")}; stopped: {history.StopReason})");
    }

    private static byte[] CostChart(Plot plot, string title)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", CultureInfo.InvariantCulture),
        };
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("MSE (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Predicted against actual test labels for one trainer, with the line y = x.</summary>
    public static byte[] PredictedVersusActual(TrainerResult trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var plot = new Plot();
        double[] actual = trainer.Actual.Select(v => (double)v).ToArray();
        double[] predicted = trainer.Predicted.Select(v => (double)v).ToArray();
        var points = plot.Add.ScatterPoints(actual, predicted);
        points.MarkerSize = 4;
        points.Color = Colors.Blue.WithAlpha(0.5);
        if (actual.Length > 0)
        {
            double low = Math.Min(actual.Min(), predicted.Where(double.IsFinite).DefaultIfEmpty(actual.Min()).Min());
            double high = Math.Max(actual.Max(), predicted.Where(double.IsFinite).DefaultIfEmpty(actual.Max()).Max());
            var line = plot.Add.Line(low, low, high, high);
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dashed;
        }
        plot.Title($"{trainer.DisplayName}: predicted vs actual (RMSE {ReportFormat.Number(trainer.Rmse.Mean)})");
        plot.XLabel("actual");
        plot.YLabel("predicted");
        return plot.GetImageBytes(Width / 3 * 2, Height, ImageFormat.Png);
    }

    /// <summary>RMSE and MAE per trainer as bars with ± one standard deviation across folds, and the optimum's RMSE as a line.</summary>
    public static byte[] Metrics(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var plot = new Plot();
        var ok = result.Trainers.Where(t => t.Error is null).ToList();
        var bars = new List<Bar>();
        for (int i = 0; i < ok.Count; i++)
        {
            bars.Add(new Bar { Position = i * 3, Value = ok[i].Rmse.Mean, Error = ok[i].Rmse.StandardDeviation, FillColor = Colors.SteelBlue });
            bars.Add(new Bar { Position = i * 3 + 1, Value = ok[i].Mae.Mean, Error = ok[i].Mae.StandardDeviation, FillColor = Colors.Orange });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(ok.Select((_, i) => i * 3 + 0.5).ToArray(), ok.Select(t => t.Name).ToArray());
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "RMSE", FillColor = Colors.SteelBlue });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "MAE", FillColor = Colors.Orange });
        if (result.Optimum.IsAvailable)
        {
            var line = plot.Add.HorizontalLine(result.Optimum.Rmse.Mean);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "least-squares optimum RMSE", LineColor = Colors.Black, LineWidth = 1 });
        }
        plot.Axes.Margins(bottom: 0);
        plot.Title(result.NumberOfFolds > 1 ? $"Test error, mean ± sd over {result.NumberOfFolds} folds" : "Test error");
        plot.YLabel(result.LabelColumnName);
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void AddLogLine(Plot plot, double[] xs, IReadOnlyList<double> ys, string label, Color color)
    {
        double[] logs = ys.Select(y => y > 0 && double.IsFinite(y) ? Math.Log10(y) : double.NaN).ToArray();
        var line = plot.Add.ScatterLine(xs, logs);
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2;
    }

    private static void AddOptimum(Plot plot, double mse, string label, Color color)
    {
        if (!(mse > 0) || !double.IsFinite(mse))
            return;
        var line = plot.Add.HorizontalLine(Math.Log10(mse));
        line.LegendText = label;
        line.Color = color;
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 1.5f;
    }
}
