namespace MlNetGd.Trainers.Core;

/// <summary>The exact least-squares optimum of a linear model with intercept, from the normal equations in double precision.</summary>
/// <remarks>
/// Solves <c>(X̃ᵀX̃) θ = X̃ᵀy</c> with <c>X̃ = [X, 1]</c> by Cholesky factorization. It is the best any linear model can do on the
/// training rows, the reference line that gradient descent is measured against. O(n·d² + d³) time, O((d+1)²) memory.
/// </remarks>
public static class LeastSquaresSolver
{
    /// <summary>Solves for the weights and bias that minimize the MSE on <paramref name="data"/>.</summary>
    /// <returns>The model, or <see langword="null"/> weights when <c>X̃ᵀX̃</c> is singular (for example a constant or duplicated feature,
    /// or fewer rows than parameters); <c>Reason</c> then says why.</returns>
    public static (double[]? Weights, double Bias, string? Reason) Solve(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.FeatureCount;
        int p = d + 1;
        var a = new double[p, p];
        var rhs = new double[p];
        var row = new double[p];
        for (int i = 0; i < data.RowCount; i++)
        {
            var x = data.Row(i);
            for (int j = 0; j < d; j++)
                row[j] = x[j];
            row[d] = 1;
            double y = data.Labels[i];
            for (int j = 0; j < p; j++)
            {
                rhs[j] += row[j] * y;
                for (int k = 0; k <= j; k++)
                    a[j, k] += row[j] * row[k];
            }
        }

        // Cholesky A = L Lᵀ in place (lower triangle); a pivot that collapses relative to its diagonal means singular.
        for (int j = 0; j < p; j++)
        {
            double diagonal = a[j, j];
            double sum = diagonal;
            for (int k = 0; k < j; k++)
                sum -= a[j, k] * a[j, k];
            if (!(sum > 1e-12 * Math.Max(diagonal, 1e-300)))
                return (null, double.NaN, $"The normal equations are singular at parameter {(j == d ? "bias" : $"feature {j}")}: " +
                    "a feature is constant, duplicates a combination of others, or there are fewer rows than parameters.");
            a[j, j] = Math.Sqrt(sum);
            for (int i = j + 1; i < p; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++)
                    s -= a[i, k] * a[j, k];
                a[i, j] = s / a[j, j];
            }
        }
        var z = new double[p];
        for (int i = 0; i < p; i++)
        {
            double s = rhs[i];
            for (int k = 0; k < i; k++)
                s -= a[i, k] * z[k];
            z[i] = s / a[i, i];
        }
        var theta = new double[p];
        for (int i = p - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < p; k++)
                s -= a[k, i] * theta[k];
            theta[i] = s / a[i, i];
        }
        return (theta[..d], theta[d], null);
    }

    /// <summary>Returns the MSE of a double-precision linear model on <paramref name="data"/>.</summary>
    public static double MeanSquaredError(DenseDataset data, ReadOnlySpan<double> weights, double bias)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (weights.Length != data.FeatureCount)
            throw new ArgumentException($"{weights.Length} weights for {data.FeatureCount} features.", nameof(weights));
        double sum = 0;
        for (int i = 0; i < data.RowCount; i++)
        {
            var x = data.Row(i);
            double prediction = bias;
            for (int j = 0; j < x.Length; j++)
                prediction += weights[j] * x[j];
            double r = prediction - data.Labels[i];
            sum += r * r;
        }
        return data.RowCount == 0 ? 0 : sum / data.RowCount;
    }
}
