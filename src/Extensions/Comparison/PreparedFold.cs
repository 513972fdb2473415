using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>One fold ready for the trainers: featurized and cached; then, once <see cref="Solve"/> ran, its least-squares optimum scored
/// on the test rows. Each step says what it did through the options' status callback.</summary>
internal sealed class PreparedFold
{
    private readonly int _fold;
    private readonly int _foldCount;

    private readonly Action<string>? _status;

    private PreparedFold(FoldData data, Action<string>? status, int fold, int foldCount)
    {
        Data = data;
        _status = status;
        _fold = fold;
        _foldCount = foldCount;
    }

    /// <summary>Gets the featurized rows.</summary>
    public FoldData Data { get; }

    /// <summary>Gets why the optimum could not be computed, or <see langword="null"/>.</summary>
    public string? OptimumProblem { get; private set; }

    /// <summary>Gets the optimum's MSE on the training rows, or NaN.</summary>
    public double OptimumTrainMse { get; private set; } = double.NaN;

    /// <summary>Gets the optimum's RMSE, MAE and R² on the test rows (NaN without an optimum).</summary>
    public (double Rmse, double Mae, double R2) OptimumScores { get; private set; } = (double.NaN, double.NaN, double.NaN);

    /// <summary>Gets the optimum's MSE on the test rows, or NaN.</summary>
    public double OptimumTestMse => OptimumScores.Rmse * OptimumScores.Rmse;

    /// <summary>Fits the featurization on the training rows, caches both sides, reads them as matrices and builds the scoring rows.</summary>
    /// <param name="ml">The comparison's context.</param>
    /// <param name="fitFeaturizer">Fits the featurization on a fold's training rows.</param>
    /// <param name="split">The fold's training and test rows.</param>
    /// <param name="fold">The fold's number, from 1.</param>
    /// <param name="foldCount">The number of folds.</param>
    /// <param name="options">The comparison's options (its token is checked while the rows are read).</param>
    public static PreparedFold Prepare(MLContext ml, Func<IDataView, ITransformer> fitFeaturizer, (IDataView Train, IDataView Test) split,
        int fold, int foldCount, ComparisonOptions options)
    {
        var clock = Stopwatch.StartNew();
        var featurizer = fitFeaturizer(split.Train);
        var train = ml.Data.Cache(new SingleCursorView(featurizer.Transform(split.Train)));
        var test = ml.Data.Cache(new SingleCursorView(featurizer.Transform(split.Test)));
        var trainRows = DataViewReader.ReadRows(train, options.LabelColumnName, options.FeatureColumnName, false, out _, options.CancellationToken);
        var testRows = DataViewReader.ReadRows(test, options.LabelColumnName, options.FeatureColumnName, false, out _, options.CancellationToken);
        var data = new FoldData(train, test, trainRows, testRows, ScoringSet.Create(ml, test, options.FeatureColumnName));
        options.Status?.Invoke(Invariant($"fold {fold}/{foldCount}: featurized and cached in {clock.Elapsed.TotalSeconds:F2} s"));
        options.Status?.Invoke($"fold {fold}/{foldCount}: {trainRows.RowCount} training rows, {testRows.RowCount} test rows, {trainRows.FeatureCount} features");
        return new PreparedFold(data, options.Status, fold, foldCount);
    }

    /// <summary>Solves the least-squares optimum of the training rows and scores it on the test rows.</summary>
    /// <param name="cancellationToken">Checked while solving.</param>
    public void Solve(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (weights, bias, reason, _) = LeastSquaresSolver.Optimum(Data.Train, cancellationToken);
        if (weights is null)
        {
            OptimumProblem = reason;
        }
        else
        {
            OptimumTrainMse = LeastSquaresSolver.MeanSquaredError(Data.Train, weights, bias);
            OptimumScores = RegressionScores.Compute(Data.Test.Labels, LeastSquaresSolver.Predict(Data.Test, weights, bias));
        }
        _status?.Invoke(Invariant($"fold {_fold}/{_foldCount}: least-squares optimum in {clock.Elapsed.TotalSeconds:F2} s"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
