using System.Globalization;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>The one place that decides how the comparison's least-squares optimum is computed, or why it is not.</summary>
/// <remarks>
/// <para>Up to <see cref="MaxDenseFeatures"/> features: the normal equations in double, by a Cholesky factorization that skips a
/// parameter whose pivot collapses (its column is a combination of the others) and sets it to 0. One-hot encodings always make such
/// columns (the levels of a column sum to the intercept's column), and so does a missing-value indicator that is all zero in a fold;
/// the minimum MSE is the same whichever dependent column is dropped. When no column is dependent the result is
/// <see cref="LeastSquaresSolver"/>'s.</para>
/// <para>Above it the O(d²) matrix is not formed and the note says so; an iterative solver (conjugate gradient on the sparse
/// features) belongs here.</para>
/// </remarks>
internal static class LeastSquaresReference
{
    /// <summary>The most features for which the dense normal equations are formed.</summary>
    public const int MaxDenseFeatures = 4096;

    /// <summary>The relative pivot below which a parameter is taken as dependent on the ones before it.</summary>
    private const double DependentPivot = 1e-10;

    /// <summary>Solves for the weights and bias with the least MSE on <paramref name="data"/>, or says why it was not computed.</summary>
    public static (double[]? Weights, double Bias, string? Reason) Solve(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount > MaxDenseFeatures)
            return (null, double.NaN, string.Create(CultureInfo.InvariantCulture,
                $"not computed: {data.FeatureCount} features, more than the {MaxDenseFeatures} for which the dense normal equations ({data.FeatureCount + 1}² doubles) are formed."));
        var exact = LeastSquaresSolver.Solve(data);
        return exact.Weights is not null ? exact : SolveDroppingDependentColumns(data);
    }

    private static (double[]? Weights, double Bias, string? Reason) SolveDroppingDependentColumns(DenseDataset data)
    {
        int d = data.FeatureCount, p = d + 1;
        // The bias goes first, so a set of one-hot levels loses one level rather than the intercept.
        var a = new double[p, p];
        var rhs = new double[p];
        var row = new double[p];
        for (int i = 0; i < data.RowCount; i++)
        {
            var x = data.Row(i);
            row[0] = 1;
            for (int j = 0; j < d; j++)
                row[j + 1] = x[j];
            double y = data.Labels[i];
            for (int j = 0; j < p; j++)
            {
                double rj = row[j];
                if (rj == 0)
                    continue;
                rhs[j] += rj * y;
                for (int k = 0; k <= j; k++)
                    a[j, k] += rj * row[k];
            }
        }
        var kept = new bool[p];
        for (int j = 0; j < p; j++)
        {
            double diagonal = a[j, j];
            double sum = diagonal;
            for (int k = 0; k < j; k++)
            {
                if (kept[k])
                    sum -= a[j, k] * a[j, k];
            }
            if (!(sum > DependentPivot * Math.Max(diagonal, 1e-300)))
                continue;
            kept[j] = true;
            a[j, j] = Math.Sqrt(sum);
            for (int i = j + 1; i < p; i++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++)
                {
                    if (kept[k])
                        s -= a[i, k] * a[j, k];
                }
                a[i, j] = s / a[j, j];
            }
        }
        var z = new double[p];
        for (int i = 0; i < p; i++)
        {
            if (!kept[i])
                continue;
            double s = rhs[i];
            for (int k = 0; k < i; k++)
            {
                if (kept[k])
                    s -= a[i, k] * z[k];
            }
            z[i] = s / a[i, i];
        }
        var theta = new double[p];
        for (int i = p - 1; i >= 0; i--)
        {
            if (!kept[i])
                continue;
            double s = z[i];
            for (int k = i + 1; k < p; k++)
            {
                if (kept[k])
                    s -= a[k, i] * theta[k];
            }
            theta[i] = s / a[i, i];
        }
        return (theta[1..], theta[0], null);
    }
}
