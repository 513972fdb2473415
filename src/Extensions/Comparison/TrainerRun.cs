using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>One trainer across the folds of a comparison: fits, times, scores, and (for GradientDescent) records the cost curves.</summary>
internal sealed class TrainerRun
{
    private readonly ComparisonTrainer _trainer;
    private readonly ComparisonOptions _options;
    private readonly List<FoldMetrics> _folds = [];
    private readonly List<float> _actual = [];
    private readonly List<float> _predicted = [];
    private readonly List<EpochCurve> _curves = [];
    private string? _error;
    private double _fitSeconds;
    private int _fitCount;

    public TrainerRun(ComparisonTrainer trainer, ComparisonOptions options)
    {
        _trainer = trainer;
        _options = options;
    }

    private string Name => TrainerNames.ShortName(_trainer);

    /// <summary>Fits the fold <see cref="ComparisonOptions.TimingRepeats"/> times, timed, then scores its test rows; for GradientDescent,
    /// records the cost curves with one more, untimed fit. A failed fit's time until it failed is counted with the others'.</summary>
    /// <param name="fold">The fold.</param>
    /// <param name="foldNumber">Its number, from 1.</param>
    /// <param name="foldCount">The number of folds.</param>
    /// <param name="optimumTrainMse">The least-squares optimum's MSE on the fold's training rows (NaN without one), for the curves.</param>
    /// <param name="optimumTestMse">Its MSE on the fold's test rows.</param>
    public void RunFold(FoldData fold, int foldNumber, int foldCount, double optimumTrainMse, double optimumTestMse)
    {
        if (_error is not null)
            return;
        _options.Status?.Invoke($"fold {foldNumber}/{foldCount}: {Name} fitting ({_options.TimingRepeats}x)");
        var fitTimes = new List<double>();
        var clock = new Stopwatch();
        try
        {
            if (_trainer == ComparisonTrainer.LbfgsPoissonRegression && NegativeLabels(fold.Train.Labels) is { } negative)
                throw new ArgumentException(negative);
            ITransformer? model = null;
            for (int r = 0; r < _options.TimingRepeats; r++)
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
                var estimator = CreateEstimator();
                clock.Restart();
                model = estimator.Fit(fold.TrainView);
                clock.Stop();
                fitTimes.Add(clock.Elapsed.TotalSeconds);
                _fitSeconds += clock.Elapsed.TotalSeconds;
                _fitCount++;
            }
            float[] scores = model!.Transform(fold.TestView).GetColumn<float>("Score").ToArray();   // also warms up the scoring code
            var scoring = Stopwatch.StartNew();
            double scoringRowsPerSecond = fold.Scoring.RowsPerSecond(model, _options.TimingRepeats);
            _options.Status?.Invoke(string.Create(CultureInfo.InvariantCulture, $"fold {foldNumber}/{foldCount}: {Name} scoring timed in {scoring.Elapsed.TotalSeconds:F2} s"));
            if (scores.Length != fold.Test.RowCount)
                throw new InvalidOperationException($"{scores.Length} scores for {fold.Test.RowCount} test rows.");
            var (rmse, mae, r2) = RegressionScores.Compute(fold.Test.Labels, scores.Select(s => (double)s).ToArray());
            _folds.Add(new FoldMetrics
            {
                Fold = foldNumber,
                TrainRows = fold.Train.RowCount,
                TestRows = fold.Test.RowCount,
                Rmse = rmse,
                Mae = mae,
                RSquared = r2,
                FitSeconds = Median(fitTimes),
                FitSecondsRepeats = fitTimes,
                ScoringRows = fold.Scoring.RowCount,
                ScoringRowsPerSecond = scoringRowsPerSecond,
            });
            _actual.AddRange(fold.Test.Labels);
            _predicted.AddRange(scores);
            if (_trainer == ComparisonTrainer.GradientDescent)
            {
                var curve = Stopwatch.StartNew();
                _curves.Add(Curve(fold, foldNumber, foldCount, optimumTrainMse, optimumTestMse));
                _options.Status?.Invoke(string.Create(CultureInfo.InvariantCulture, $"fold {foldNumber}/{foldCount}: gd cost curves (a second, untimed fit) in {curve.Elapsed.TotalSeconds:F2} s"));
            }
            _options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"fold {foldNumber}/{foldCount}: {Name} RMSE {rmse:G5}, fit {Median(fitTimes) * 1000:F1} ms"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (clock.IsRunning)   // the fit that failed: its time until the failure was spent as much as a finished fit's
            {
                _fitSeconds += clock.Elapsed.TotalSeconds;
                _fitCount++;
            }
            _error = $"{e.GetType().Name} on fold {foldNumber}: {e.Message}";
            _options.Progress?.Invoke($"fold {foldNumber}/{foldCount}: {Name} failed: {e.Message}");
        }
    }

    /// <summary>Why Poisson regression cannot fit these labels (ML.NET refuses a negative label, but only once its fit reads it), or
    /// <see langword="null"/> when none is negative.</summary>
    private string? NegativeLabels(ReadOnlySpan<float> labels)
    {
        int count = 0;
        float smallest = float.PositiveInfinity;
        foreach (float y in labels)
        {
            if (y < 0)
                count++;
            smallest = Math.Min(smallest, y);
        }
        return count == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{TrainerNames.DisplayName(_trainer)} needs labels >= 0 (it models the label as a count's mean), but {count:N0} of the {labels.Length:N0} training labels of label column '{_options.LabelColumnName}' are negative (the smallest is {smallest:G6}).");
    }

    /// <param name="optimum">The least-squares reference.</param>
    /// <param name="labelMean">The label's mean over every row.</param>
    /// <param name="labelStandardDeviation">The label's standard deviation over every row: the gap's floor is a fraction of it.</param>
    public TrainerResult ToResult(OptimumResult optimum, double labelMean, double labelStandardDeviation)
    {
        bool ok = _error is null && _folds.Count > 0;
        var rmse = ok ? MetricSummary.Of(_folds.Select(f => f.Rmse).ToList()) : new MetricSummary(double.NaN, double.NaN);
        string? gapNote = UndefinedFigures.GapNote(!ok, optimum, labelMean, labelStandardDeviation, rmse.Mean);
        return new TrainerResult
        {
            Trainer = _trainer,
            Name = Name,
            DisplayName = TrainerNames.DisplayName(_trainer),
            IsLinear = TrainerNames.IsLinear(_trainer),
            Error = _error,
            Rmse = rmse,
            Mae = ok ? MetricSummary.Of(_folds.Select(f => f.Mae).ToList()) : new MetricSummary(double.NaN, double.NaN),
            RSquared = ok ? MetricSummary.Of(_folds.Select(f => f.RSquared).ToList()) : new MetricSummary(double.NaN, double.NaN),
            FitSeconds = ok ? Median(_folds.SelectMany(f => f.FitSecondsRepeats).ToList()) : double.NaN,
            FitCount = _fitCount,
            TotalFitSeconds = _fitSeconds,
            NumberOfThreads = _trainer == ComparisonTrainer.GradientDescent
                ? GradientDescentOptions(_options).NumberOfThreads is int n and > 0 ? n : Environment.ProcessorCount
                : 1,
            ScoringRowsPerSecond = ok ? Median(_folds.Select(f => f.ScoringRowsPerSecond).ToList()) : double.NaN,
            GapToOptimum = gapNote is null
                ? (rmse.Mean - optimum.Rmse.Mean) / Math.Max(optimum.Rmse.Mean, ComparisonResult.GapFloor * labelStandardDeviation)
                : double.NaN,
            GapToOptimumNote = gapNote,
            MetricsNote = ok ? UndefinedFigures.MetricsNote(_folds.Select(f => (f.Fold, f.Rmse, f.RSquared)).ToList()) : null,
            Folds = ok ? _folds : [],
            Actual = ok ? _actual : [],
            Predicted = ok ? _predicted : [],
            CostCurves = ok ? _curves : [],
        };
    }

    /// <summary>GradientDescent's options for this comparison: a copy of every setting of the user's, with this comparison's columns,
    /// seed and cancellation token.</summary>
    internal static GradientDescentRegressionTrainer.Options GradientDescentOptions(ComparisonOptions options) => options.GradientDescent with
    {
        LabelColumnName = options.LabelColumnName,
        FeatureColumnName = options.FeatureColumnName,
        Seed = options.Seed,
        CancellationToken = options.CancellationToken,
    };

    private IEstimator<ITransformer> CreateEstimator()
    {
        // A fresh context per fit, so a trainer's result does not depend on which trainers ran before it.
        var ml = new MLContext(_options.Seed);
        string label = _options.LabelColumnName, features = _options.FeatureColumnName;
        return _trainer switch
        {
            ComparisonTrainer.GradientDescent => new GradientDescentRegressionTrainer(GradientDescentOptions(_options)),
            ComparisonTrainer.Sdca => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
            { LabelColumnName = label, FeatureColumnName = features, NumberOfThreads = 1 }),
            ComparisonTrainer.OnlineGradientDescent => ml.Regression.Trainers.OnlineGradientDescent(label, features),
            ComparisonTrainer.LbfgsPoissonRegression => ml.Regression.Trainers.LbfgsPoissonRegression(new LbfgsPoissonRegressionTrainer.Options
            { LabelColumnName = label, FeatureColumnName = features, NumberOfThreads = 1 }),
            ComparisonTrainer.FastTree => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            { LabelColumnName = label, FeatureColumnName = features, NumberOfThreads = 1 }),
            _ => throw new ArgumentOutOfRangeException(nameof(_trainer), _trainer, "is not a known trainer."),
        };
    }

    /// <summary>Refits GradientDescent through the core exactly as the trainer's copy does (<see cref="CachedBatches.ForCopy"/>, then the
    /// one setup), recording the MSE on the test rows after every epoch from the epoch callback. A separate fit rather than the first
    /// timed one: evaluating the test rows after each epoch inside a timed fit would add to its time.</summary>
    private EpochCurve Curve(FoldData fold, int foldNumber, int foldCount, double optimumTrainMse, double optimumTestMse)
    {
        var training = new List<double>();
        var validation = new List<double>();
        LinearModel? model = null;
        var settings = GradientDescentOptions(_options) with
        {
            EpochCompleted = record =>
            {
                training.Add(record.TrainingCost);
                validation.Add(MlNetGd.Trainers.Core.MseLoss.Cost(model!, fold.Test));
                _options.Status?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"fold {foldNumber}/{foldCount}: gd epoch {record.Epoch}: training cost {record.TrainingCost:G6}, validation cost {validation[^1]:G6}"));
            },
        };
        var data = DataViewReader.ReadRows(fold.TrainView, _options.LabelColumnName, _options.FeatureColumnName, false, out _, _options.CancellationToken);
        model = new LinearModel(data.FeatureCount);
        settings.Validate();
        var history = GradientDescentLoop.Fit(settings, CachedBatches.ForCopy(data, settings, _options.CancellationToken), model, null,
            new RowSourceInfo(RowSource.Copy), _options.CancellationToken);
        return new EpochCurve
        {
            Fold = foldNumber,
            TrainingCost = training,
            ValidationCost = validation,
            LearningRate = history.LearningRate,
            LearningRateWasAutomatic = history.LearningRateWasAutomatic,
            StopReason = history.StopReason.ToString(),
            OptimumTrainingMse = optimumTrainMse,
            OptimumValidationMse = optimumTestMse,
        };
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
