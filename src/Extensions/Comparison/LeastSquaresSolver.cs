using System.Numerics.Tensors;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>The exact least-squares optimum of a linear model with intercept, from the normal equations in double precision.</summary>
/// <remarks>
/// Solves <c>(X̃ᵀX̃) θ = X̃ᵀy</c> with <c>X̃ = [X, 1]</c> by Cholesky factorization. It is the best any linear model can do on the
/// training rows, the reference line that gradient descent is measured against. O(n·d² + d³) time, O((d+1)²/2) memory.
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
        // The lower triangle of X̃ᵀX̃ (row j holds columns 0..j), summed a block of data rows at a time, so each triangle row stays in
        // the L1 cache while the block is added to it: the whole triangle is 4·p² bytes, far more than a cache, at p in the thousands.
        var a = new double[p][];
        for (int j = 0; j < p; j++)
            a[j] = new double[j + 1];
        var rhs = new double[p];
        var block = new double[NormalEquationsBlockRows][];
        for (int b = 0; b < block.Length; b++)
            block[b] = new double[p];
        for (int start = 0; start < data.RowCount; start += block.Length)
        {
            int m = Math.Min(block.Length, data.RowCount - start);
            for (int b = 0; b < m; b++)
            {
                TensorPrimitives.ConvertChecked<float, double>(data.Row(start + b), block[b].AsSpan(0, d));
                block[b][d] = 1;
                TensorPrimitives.MultiplyAdd(block[b], (double)data.Labels[start + b], rhs, rhs);
            }
            for (int j = 0; j < p; j++)
            {
                var row = a[j].AsSpan();
                for (int b = 0; b < m; b++)
                    TensorPrimitives.MultiplyAdd(block[b].AsSpan(0, j + 1), block[b][j], row, row);
            }
        }

        // Cholesky A = L Lᵀ in place, row by row; a pivot that collapses relative to its diagonal means singular.
        for (int i = 0; i < p; i++)
        {
            var li = a[i].AsSpan();
            for (int j = 0; j < i; j++)
                li[j] = (li[j] - TensorPrimitives.Dot<double>(li[..j], a[j].AsSpan(0, j))) / a[j][j];
            double diagonal = li[i];
            double sum = diagonal - TensorPrimitives.Dot<double>(li[..i], li[..i]);
            if (!(sum > 1e-12 * Math.Max(diagonal, 1e-300)))
                return (null, double.NaN, $"The normal equations are singular at parameter {(i == d ? "bias" : $"feature {i}")}: " +
                    "a feature is constant, duplicates a combination of others, or there are fewer rows than parameters.");
            li[i] = Math.Sqrt(sum);
        }
        var z = new double[p];
        for (int i = 0; i < p; i++)
            z[i] = (rhs[i] - TensorPrimitives.Dot<double>(a[i].AsSpan(0, i), z.AsSpan(0, i))) / a[i][i];
        var theta = new double[p];
        for (int i = p - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < p; k++)
                s -= a[k][i] * theta[k];
            theta[i] = s / a[i][i];
        }
        return (theta[..d], theta[d], null);
    }

    /// <summary>The data rows <see cref="Solve"/> adds to the normal equations at a time.</summary>
    private const int NormalEquationsBlockRows = 32;

    /// <summary>The largest d for which <see cref="Optimum"/> forms the dense normal equations (their lower triangle: 4·(d+1)² bytes, 16 MB).</summary>
    public const int MaxNormalEquationsFeatures = 2048;

    /// <summary>The relative normal-equation residual <c>‖Aᵀr‖/‖Aᵀy‖</c> at which conjugate gradients stop.</summary>
    public const double ConjugateGradientTolerance = 1e-9;

    /// <summary>The residual up to which a conjugate-gradient solution that ran out of iterations is still returned (with a note).</summary>
    public const double AcceptableTolerance = 1e-6;

    /// <summary>The most conjugate-gradient iterations.</summary>
    public const int MaxConjugateGradientIterations = 3000;

    /// <summary>The least-squares optimum of any training rows, dense or CSR, of any width.</summary>
    /// <remarks>
    /// <para>Dense rows with at most <see cref="MaxNormalEquationsFeatures"/> features use the normal equations (<see cref="Solve"/>).
    /// Wider or sparse rows, and rank-deficient ones (one-hot levels that sum to the bias column are the common case), use
    /// conjugate gradients on the least-squares problem (CGLS), in double, without forming <c>XᵀX</c>: each iteration is one
    /// product with X and one with Xᵀ, O(nonzeros + n + d). The columns are centered implicitly (<c>Xw − 1(μ·w)</c>, so the rows
    /// stay sparse) and scaled by their deviation, which makes the problem as well conditioned as the features' correlation
    /// matrix; from a zero start CGLS converges to the minimum-norm solution, which for a rank-deficient problem is one of
    /// its (equally good) optima.</para>
    /// </remarks>
    /// <returns>The solution, or <see langword="null"/> weights with the reason it could not be computed.</returns>
    public static LeastSquaresSolution Optimum(TrainingRows data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.RowCount == 0)
            return new(null, double.NaN, "There are no rows.", "none");
        if (data is DenseDataset dense && dense.FeatureCount <= MaxNormalEquationsFeatures)
        {
            var (weights, bias, reason) = Solve(dense);
            if (weights is not null)
                return new(weights, bias, null, "normal equations (Cholesky)");
            var iterative = ConjugateGradients(data, cancellationToken);
            return iterative with { Method = $"{iterative.Method}; the normal equations are singular" };
        }
        return ConjugateGradients(data, cancellationToken);
    }

    private static LeastSquaresSolution ConjugateGradients(TrainingRows data, CancellationToken cancellationToken)
    {
        RowBlock rows = data.Rows();
        int n = rows.RowCount, d = rows.FeatureCount;
        // Column means and deviations (implicit zeros counted), and the label mean.
        var mean = new double[d];
        var scale = new double[d];
        var squares = new double[d];
        for (int i = 0; i < n; i++)
        {
            if (rows.IsSparse)
            {
                for (int k = rows.RowStarts[i]; k < rows.RowEnds[i]; k++)
                {
                    double v = rows.Values[k];
                    mean[rows.Indices[k]] += v;
                    squares[rows.Indices[k]] += v * v;
                }
                continue;
            }
            ReadOnlySpan<float> x = rows.DenseFeatures.Slice(i * d, d);
            for (int j = 0; j < d; j++)
            {
                mean[j] += x[j];
                squares[j] += (double)x[j] * x[j];
            }
        }
        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
            double sd = Math.Sqrt(Math.Max(squares[j] / n - mean[j] * mean[j], 0));
            scale[j] = sd > 1e-12 * Math.Max(Math.Abs(mean[j]), 1) ? 1 / sd : 0;
        }
        double labelMean = 0;
        foreach (float y in rows.Labels)
            labelMean += y;
        labelMean /= n;

        // CGLS on min ‖A φ − (y − ȳ)‖ with A = (X − 1μᵀ) D, D = diag(scale); w = D φ.
        var phi = new double[d];
        var r = new double[n];
        for (int i = 0; i < n; i++)
            r[i] = rows.Labels[i] - labelMean;
        var s = new double[d];
        var p = new double[d];
        var q = new double[n];
        var w = new double[d];
        MultiplyTransposed(rows, mean, scale, r, s);
        double gamma = Dot(s, s), start = Math.Sqrt(gamma);
        Array.Copy(s, p, d);
        int iteration = 0;
        double residual = start > 0 ? 0 : 0;
        while (start > 0 && iteration < MaxConjugateGradientIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            iteration++;
            for (int j = 0; j < d; j++)
                w[j] = p[j] * scale[j];
            Multiply(rows, mean, w, q);
            double delta = Dot(q, q);
            if (!(delta > 0))
                break;
            double alpha = gamma / delta;
            for (int j = 0; j < d; j++)
                phi[j] += alpha * p[j];
            for (int i = 0; i < n; i++)
                r[i] -= alpha * q[i];
            MultiplyTransposed(rows, mean, scale, r, s);
            double next = Dot(s, s);
            residual = Math.Sqrt(next) / start;
            if (residual <= ConjugateGradientTolerance)
                break;
            double beta = next / gamma;
            for (int j = 0; j < d; j++)
                p[j] = s[j] + beta * p[j];
            gamma = next;
        }
        if (!(residual <= AcceptableTolerance) || !phi.All(double.IsFinite))
            return new(null, double.NaN,
                $"Conjugate gradients did not converge: the relative residual was {residual:G3} after {iteration} iterations (at most {MaxConjugateGradientIterations}).",
                "conjugate gradients");
        var weights = new double[d];
        double bias = labelMean;
        for (int j = 0; j < d; j++)
        {
            weights[j] = phi[j] * scale[j];
            bias -= weights[j] * mean[j];
        }
        string method = $"conjugate gradients, {iteration} iterations, relative residual {residual:G2}";
        return new(weights, bias, null, residual <= ConjugateGradientTolerance ? method : method + " (stopped at the iteration limit)");
    }

    // q = (X − 1μᵀ) w.
    private static void Multiply(RowBlock rows, double[] mean, double[] w, double[] q)
    {
        double offset = Dot(mean, w);
        for (int i = 0; i < q.Length; i++)
            q[i] = RowDot(rows, i, w) - offset;
    }

    // s = D (X − 1μᵀ)ᵀ r = D (Xᵀr − μ Σr).
    private static void MultiplyTransposed(RowBlock rows, double[] mean, double[] scale, double[] r, double[] s)
    {
        Array.Clear(s);
        double total = 0;
        for (int i = 0; i < r.Length; i++)
        {
            double ri = r[i];
            total += ri;
            if (rows.IsSparse)
            {
                for (int k = rows.RowStarts[i]; k < rows.RowEnds[i]; k++)
                    s[rows.Indices[k]] += ri * rows.Values[k];
                continue;
            }
            ReadOnlySpan<float> x = rows.DenseFeatures.Slice(i * rows.FeatureCount, rows.FeatureCount);
            for (int j = 0; j < x.Length; j++)
                s[j] += ri * x[j];
        }
        for (int j = 0; j < s.Length; j++)
            s[j] = (s[j] - mean[j] * total) * scale[j];
    }

    private static double RowDot(RowBlock rows, int i, ReadOnlySpan<double> w)
    {
        double sum = 0;
        if (rows.IsSparse)
        {
            for (int k = rows.RowStarts[i]; k < rows.RowEnds[i]; k++)
                sum += rows.Values[k] * w[rows.Indices[k]];
            return sum;
        }
        ReadOnlySpan<float> x = rows.DenseFeatures.Slice(i * rows.FeatureCount, rows.FeatureCount);
        for (int j = 0; j < x.Length; j++)
            sum += x[j] * w[j];
        return sum;
    }

    private static double Dot(double[] x, double[] y) => TensorPrimitives.Dot<double>(x, y);

    /// <summary>Returns the predictions <c>W·x + b</c> (in double) of rows, dense or CSR.</summary>
    public static double[] Predict(TrainingRows data, ReadOnlySpan<double> weights, double bias)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (weights.Length != data.FeatureCount)
            throw new ArgumentException($"{weights.Length} weights for {data.FeatureCount} features.", nameof(weights));
        RowBlock rows = data.Rows();
        var predictions = new double[rows.RowCount];
        for (int i = 0; i < predictions.Length; i++)
            predictions[i] = RowDot(rows, i, weights) + bias;
        return predictions;
    }

    /// <summary>Returns the MSE of the model <c>W·x + b</c> (in double) over rows, dense or CSR.</summary>
    public static double MeanSquaredError(TrainingRows data, ReadOnlySpan<double> weights, double bias)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (weights.Length != data.FeatureCount)
            throw new ArgumentException($"{weights.Length} weights for {data.FeatureCount} features.", nameof(weights));
        RowBlock rows = data.Rows();
        double sum = 0;
        for (int i = 0; i < rows.RowCount; i++)
        {
            double r = RowDot(rows, i, weights) + bias - rows.Labels[i];
            sum += r * r;
        }
        return rows.RowCount == 0 ? 0 : sum / rows.RowCount;
    }
}

/// <summary>A least-squares optimum: the weights and bias, or <see langword="null"/> weights and the reason they could not be
/// computed; and how they were computed.</summary>
/// <param name="Weights">The weights, or <see langword="null"/>.</param>
/// <param name="Bias">The bias (NaN without weights).</param>
/// <param name="Reason">Why there are no weights, or <see langword="null"/>.</param>
/// <param name="Method">How the optimum was computed (normal equations, or conjugate gradients with their iterations and residual).</param>
public sealed record LeastSquaresSolution(double[]? Weights, double Bias, string? Reason, string Method);
