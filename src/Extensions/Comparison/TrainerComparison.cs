using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>Compares GradientDescent with ML.NET's regression trainers on the same folds, against the exact least-squares optimum.</summary>
/// <remarks>
/// <para>Per fold, the feature pipeline is fitted on the training rows only, then every trainer fits the featurized training rows
/// (timed, median of <see cref="ComparisonOptions.TimingRepeats"/>) and scores the test rows (timed likewise). RMSE, MAE and R² are
/// computed on the test rows in double. The exact least-squares fit of the same training rows (<see cref="LeastSquaresSolver"/>) is
/// scored the same way: no linear model can do better on the training rows, so it is the reference line.</para>
/// <para>GradientDescent's per-epoch validation cost comes from a second, untimed fit of the same data through the numeric core, with the
/// same settings, row shuffle and seed as the trainer (so the same weights); its epoch callback evaluates the MSE on the test rows.</para>
/// </remarks>
public static class TrainerComparison
{
    /// <summary>Runs the comparison on a CSV/TSV file, featurized as <see cref="ColumnInference"/> decides.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The options; <see cref="ComparisonOptions.LabelColumnName"/> must be a column of the file.</param>
    /// <param name="separator">The field separator, or <see langword="null"/> to infer it from the extension (tab for .tsv).</param>
    /// <param name="hasHeader">Whether the first line names the columns.</param>
    /// <exception cref="DataFileException">The file is missing, unreadable or malformed (the message names the line).</exception>
    /// <exception cref="ArgumentException">The label column is not in the file (the message lists the columns), or an option is invalid.</exception>
    /// <param name="decimalSeparator">'.' or ',' for every number, or <see langword="null"/> to find each column's (see <see cref="DelimitedFile.Read"/>).</param>
    public static ComparisonResult RunOnFile(string path, ComparisonOptions options, char? separator = null, bool hasHeader = true, char? decimalSeparator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return RunOnFile(DelimitedFile.Read(path, separator, hasHeader, decimalSeparator, options.Columns), options);
    }

    /// <summary>Runs the comparison on a scanned CSV/TSV file: infers the featurization (with <see cref="ComparisonOptions.Columns"/>),
    /// drops the rows without a label, and gives every trainer and the optimum the same features.</summary>
    /// <param name="file">The file, read with <see cref="DelimitedFile.Read"/>.</param>
    /// <param name="options">The options; a <see cref="ComparisonOptions.FeaturePipeline"/> given there replaces the inferred one.</param>
    /// <exception cref="DataFileException">A cell cannot be read as its column's kind (the message names the line).</exception>
    /// <exception cref="ArgumentException">The label column is not in the file (the message lists the columns), or an option is invalid.</exception>
    public static ComparisonResult RunOnFile(DelimitedFile file, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return RunOnFile(file, ColumnInference.Infer(file, options.LabelColumnName, options.Columns, options.FeatureColumnName), options);
    }

    /// <summary>Runs the comparison on a file held in memory with a featurization already inferred (one read of the file, one inference).</summary>
    /// <param name="file">The file, read with <see cref="DelimitedFile.Read"/>.</param>
    /// <param name="plan">Its featurization, from <see cref="ColumnInference.Infer"/> with the options' label and feature column.</param>
    /// <param name="options">The options; a <see cref="ComparisonOptions.FeaturePipeline"/> given there replaces the plan's pipeline.</param>
    /// <exception cref="ArgumentException">The plan's label or feature column is not the options', or an option is invalid.</exception>
    public static ComparisonResult RunOnFile(DelimitedFile file, FeaturizationPlan plan, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (plan.LabelColumnName != options.LabelColumnName || plan.FeatureColumnName != options.FeatureColumnName)
            throw new ArgumentException($"The plan's label '{plan.LabelColumnName}' and features '{plan.FeatureColumnName}' are not the options' ('{options.LabelColumnName}', '{options.FeatureColumnName}').", nameof(plan));
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(options.Seed);
        Func<IDataView, ITransformer> featurizer = options.FeaturePipeline is { } given ? given.Fit : train => plan.Fit(ml, train);
        // The file is already in memory: every fold reads it there, and each fold's featurized rows are cached once for every trainer.
        return Compare(ml, plan.Load(ml, file), options, featurizer, file.Name, plan.Columns.Where(c => c.IsUsed).Select(c => c.Name).ToList(), plan, clock, cacheSource: false);
    }

    /// <summary>Runs the comparison on an <see cref="IDataView"/>.</summary>
    /// <param name="data">The data: the label column and the raw feature columns.</param>
    /// <param name="options">The options.</param>
    /// <param name="dataSource">A description of the data for the report.</param>
    /// <exception cref="ArgumentException">The label column is missing or not numeric, there is no numeric feature column, or an option is invalid.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    public static ComparisonResult Run(IDataView data, ComparisonOptions options, string dataSource = "IDataView")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(options.Seed);
        string label = options.LabelColumnName;
        data = LabelAsSingle(ml, data, label);
        var featureColumns = new List<string>();
        var pipeline = options.FeaturePipeline ?? DefaultPipeline(ml, data.Schema, label, options.FeatureColumnName, featureColumns);
        return Compare(ml, data, options, pipeline.Fit, dataSource, featureColumns, null, clock, cacheSource: true);
    }

    // featurizer fits the featurization on a fold's training rows.
    private static ComparisonResult Compare(MLContext ml, IDataView data, ComparisonOptions options, Func<IDataView, ITransformer> featurizer, string dataSource,
        List<string> featureColumns, FeaturizationPlan? plan, Stopwatch clock, bool cacheSource)
    {
        string label = options.LabelColumnName;
        if (cacheSource)
            data = ml.Data.Cache(data);

        var splits = Split(ml, data, options);

        var runs = options.Trainers.ToDictionary(t => t, t => new TrainerRun(t, options));
        var optimumFolds = new List<(int Fold, double TrainMse, double TestMse, double Rmse, double Mae, double R2)>();
        string? singular = null;
        int featureCount = 0, rowCount = 0, minTrainRows = int.MaxValue;
        double labelMean = double.NaN, labelDeviation = double.NaN;
        for (int f = 0; f < splits.Count; f++)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            var prepared = PreparedFold.Prepare(ml, featurizer, splits[f], f + 1, splits.Count, options);
            var fold = prepared.Data;
            featureCount = fold.Train.FeatureCount;
            minTrainRows = Math.Min(minTrainRows, fold.Train.RowCount);
            if (f == 0)   // the first fold's training and test rows are every row
                (labelMean, labelDeviation) = MeanAndDeviation(fold.Train.Labels, fold.Test.Labels);
            rowCount += fold.Test.RowCount + (options.Plan.IsCrossValidation ? 0 : fold.Train.RowCount);

            prepared.Solve(options.CancellationToken);
            if (prepared.OptimumProblem is not null)
                singular ??= $"Fold {f + 1}: {prepared.OptimumProblem}";
            else
                optimumFolds.Add((f + 1, prepared.OptimumTrainMse, prepared.OptimumTestMse, prepared.OptimumScores.Rmse, prepared.OptimumScores.Mae, prepared.OptimumScores.R2));
            foreach (var trainer in options.Trainers)
                runs[trainer].RunFold(fold, f + 1, splits.Count, prepared.OptimumTrainMse, prepared.OptimumTestMse);
        }

        var optimum = singular is not null
            ? new OptimumResult { Note = singular + " No reference line is drawn; the gaps to the optimum are not computed.", Rmse = new(double.NaN, double.NaN), Mae = new(double.NaN, double.NaN), RSquared = new(double.NaN, double.NaN) }
            : new OptimumResult
            {
                Rmse = MetricSummary.Of(optimumFolds.Select(o => o.Rmse).ToList()),
                Mae = MetricSummary.Of(optimumFolds.Select(o => o.Mae).ToList()),
                RSquared = MetricSummary.Of(optimumFolds.Select(o => o.R2).ToList()),
                MetricsNote = UndefinedFigures.MetricsNote(optimumFolds.Select(o => (o.Fold, o.Rmse, o.R2)).ToList()),
                TrainingMse = optimumFolds.Select(o => o.TrainMse).ToList(),
                TestMse = optimumFolds.Select(o => o.TestMse).ToList(),
                Caveat = minTrainRows < 2 * (featureCount + 1)
                    ? $"The optimum has {featureCount + 1} parameters for as few as {minTrainRows} training rows: it fits the training rows almost exactly, so on the test rows it is not a floor, and a negative gap means the trainer generalized better, not that it beat least squares."
                    : null,
            };
        return new ComparisonResult
        {
            DataSource = dataSource,
            LabelColumnName = label,
            FeatureColumns = featureColumns,
            Featurization = plan,
            RowCount = rowCount,
            FeatureCount = featureCount,
            Plan = options.Plan.ToString(),
            NumberOfFolds = splits.Count,
            Seed = options.Seed,
            TimingRepeats = options.TimingRepeats,
            GradientDescentOptions = DescribeGradientDescent(TrainerRun.GradientDescentOptions(options)),
            Optimum = optimum,
            LabelMean = labelMean,
            LabelStandardDeviation = labelDeviation,
            Trainers = options.Trainers.Select(t => runs[t].ToResult(optimum, labelMean, labelDeviation)).ToList(),
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
            CreatedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The folds or the split, each checked to hold training and test rows before anything is fitted (ML.NET assigns rows by a
    /// seeded hash, so a part of small data can come out empty).</summary>
    private static List<(IDataView Train, IDataView Test)> Split(MLContext ml, IDataView data, ComparisonOptions options)
    {
        List<(IDataView Train, IDataView Test)> splits = options.Plan.IsCrossValidation
            ? ml.Data.CrossValidationSplit(data, options.Plan.NumberOfFolds, seed: options.Seed).Select(s => (s.TrainSet, s.TestSet)).ToList()
            : [ToPair(ml.Data.TrainTestSplit(data, options.Plan.TestFraction, seed: options.Seed))];
        for (int f = 0; f < splits.Count; f++)
        {
            string? empty = !HasRows(splits[f].Test) ? "test" : !HasRows(splits[f].Train) ? "training" : null;
            if (empty is not null)
                throw new ArgumentException((options.Plan.IsCrossValidation ? $"Fold {f + 1} of the {options.Plan}" : $"The {options.Plan}") +
                    $" has no {empty} rows: the data has too few rows for it (rows are assigned by a seeded hash). Use fewer folds, " +
                    "another test fraction or another seed.", nameof(options));
        }
        return splits;

        static (IDataView, IDataView) ToPair(DataOperationsCatalog.TrainTestData split) => (split.TrainSet, split.TestSet);
    }

    private static bool HasRows(IDataView view)
    {
        using var cursor = view.GetRowCursor([]);
        return cursor.MoveNext();
    }

    private static IDataView LabelAsSingle(MLContext ml, IDataView data, string label)
    {
        var column = data.Schema.GetColumnOrNull(label);
        if (column is not { IsHidden: false } found)
            throw new ArgumentException(
                $"The label column '{label}' was not found. The data has: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}.",
                nameof(ComparisonOptions.LabelColumnName));
        if (found.Type == NumberDataViewType.Single)
            return data;
        if (found.Type is not NumberDataViewType)
            throw new ArgumentException($"The label column '{label}' is {found.Type}; it must be a number.", nameof(ComparisonOptions.LabelColumnName));
        return ml.Transforms.Conversion.ConvertType(label, label, DataKind.Single).Fit(data).Transform(data);
    }

    private static IEstimator<ITransformer> DefaultPipeline(MLContext ml, DataViewSchema schema, string label, string features, List<string> used)
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        foreach (var column in schema)
        {
            if (column.IsHidden || column.Name == label)
                continue;
            var item = column.Type is VectorDataViewType { Size: > 0 } vector ? vector.ItemType : column.Type;
            if (item is not NumberDataViewType)
                continue;
            used.Add(column.Name);
            if (item != NumberDataViewType.Single)
                pipeline = pipeline.Append(ml.Transforms.Conversion.ConvertType(column.Name, column.Name, DataKind.Single));
        }
        if (used.Count == 0)
            throw new ArgumentException(
                $"There is no numeric feature column besides the label '{label}'. The data has: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{c.Name} ({c.Type})"))}.",
                nameof(ComparisonOptions.FeaturePipeline));
        return pipeline.Append(ml.Transforms.Concatenate(features, used.ToArray()))
            .Append(ml.Transforms.NormalizeMeanVariance(features));
    }

    private static Dictionary<string, string> DescribeGradientDescent(GradientDescentRegressionTrainer.Options o) => OptionsCopy.Describe(o);

    private static (double Mean, double Deviation) MeanAndDeviation(ReadOnlySpan<float> first, ReadOnlySpan<float> second)
    {
        double sum = 0;
        foreach (float y in first)
            sum += y;
        foreach (float y in second)
            sum += y;
        int n = first.Length + second.Length;
        double mean = sum / n, squares = 0;
        foreach (float y in first)
            squares += (y - mean) * (y - mean);
        foreach (float y in second)
            squares += (y - mean) * (y - mean);
        return (mean, Math.Sqrt(squares / n));
    }
}
