namespace MlNetGd.Comparison;

/// <summary>RMSE, MAE and R² of predictions against labels, in double precision.</summary>
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
