namespace MlNetGd.Comparison;

/// <summary>RMSE, MAE and R² of predictions against labels, in double precision.</summary>
/// <remarks>Not <c>ml.Regression.Evaluate</c>, because the least-squares optimum's predictions are doubles computed outside ML.NET
/// (from <see cref="LeastSquaresSolver"/>'s weights): Evaluate needs them as a float Score column of an
/// <see cref="Microsoft.ML.IDataView"/>, which would round them, and the optimum and the trainers must be scored by the same formula.
/// A test pins this against Evaluate on a trainer's scores (<c>RegressionScoresTests</c>).</remarks>
internal static class RegressionScores
{
    /// <summary>Returns (RMSE, MAE, R²) with R² = 1 − Σ(p − y)² / Σ(y − ȳ)², as ML.NET's Evaluate defines it.</summary>
    public static (double Rmse, double Mae, double RSquared) Compute(ReadOnlySpan<float> labels, ReadOnlySpan<double> predictions)
    {
        if (labels.Length != predictions.Length || labels.Length == 0)
            throw new ArgumentException($"{predictions.Length} predictions for {labels.Length} labels.", nameof(predictions));
        double mean = 0;
        foreach (float y in labels)
            mean += y;
        mean /= labels.Length;
        double squared = 0, absolute = 0, total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double r = predictions[i] - labels[i];
            squared += r * r;
            absolute += Math.Abs(r);
            total += (labels[i] - mean) * (labels[i] - mean);
        }
        int n = labels.Length;
        return (Math.Sqrt(squared / n), absolute / n, total > 0 ? 1 - squared / total : double.NaN);
    }
}
