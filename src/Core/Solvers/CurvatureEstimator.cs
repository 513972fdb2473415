using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>Estimates the curvature of the MSE of a linear model, to choose a learning rate that cannot diverge.</summary>
/// <remarks>
/// <para>The MSE of <c>[W, b]</c> has the constant Hessian <c>H = (2/n) X̃ᵀX̃</c>, where <c>X̃ = [X, 1]</c>. Full-batch gradient
/// descent is stable for <c>η &lt; 2/λmax(H)</c>. A minibatch of B rows adds noise whose curvature is about <c>tr(H)/B</c>, so
/// the automatic rate is <c>η = 1 / (λmax + tr(H)/B)</c>: half the full-batch limit when B = n, and below <c>1/tr(H)</c> for pure SGD.</para>
/// <para>λmax comes from the Lanczos method (a Krylov-space refinement of power iteration that cannot stall on an unlucky start),
/// and both figures from an evenly spaced sample of at most <see cref="MaxSampleRows"/> rows. Each step is one pass over the sample,
/// copied once into contiguous rows (up to 16 MB) so that the pass is the fused gradient kernel. The estimate is deterministic; it
/// allocates a few vectors of d + 1 values per step, once per fit.</para>
/// </remarks>
public static class CurvatureEstimator
{
    /// <summary>The largest number of rows the estimate reads.</summary>
    public const int MaxSampleRows = 16384;

    private const int MaxLanczosSteps = 60;
    private const int MaxCopiedValues = 4 << 20;
    private const double RelativeTolerance = 1e-4;
    private const long MaxBasisValues = 8L << 20;

    /// <summary>Estimates λmax and the trace of <c>H = (2/n) X̃ᵀX̃</c>.</summary>
    /// <exception cref="ArgumentException">The dataset has no rows.</exception>
    public static (double LargestEigenvalue, double Trace) Estimate(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Estimate(data, data.RowCount, null);
    }

    /// <summary>Estimates λmax and the trace of the Hessian over the first <paramref name="rowCount"/> rows, in the parameter
    /// space of <paramref name="standardization"/> when it is given (the Hessian <c>JᵀHJ</c> of the standardized model).</summary>
    /// <exception cref="ArgumentException">The dataset has no rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowCount"/> is not in [1, data.RowCount].</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double LargestEigenvalue, double Trace) Estimate(TrainingRows data, int rowCount, FeatureStandardization? standardization)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.RowCount == 0)
            throw new ArgumentException("The dataset has no rows.", nameof(data));
        if (rowCount < 1 || rowCount > data.RowCount)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"must be in range [1, {data.RowCount}].");
        if (standardization is not null && standardization.FeatureCount != data.FeatureCount)
            throw new ArgumentException($"The standardization has {standardization.FeatureCount} features but the data has {data.FeatureCount}.", nameof(standardization));

        int d = data.FeatureCount;
        int n = rowCount;
        int m = Math.Min(n, MaxSampleRows);
        // The sample is copied once into contiguous rows (CSR always: it is proportional to its nonzeros; dense when that is at
        // most 16 MB), so each step is one pass of the gradient kernel: the MSE gradient at parameters v with zero labels is H v.
        // Wider dense data is read in place, row by row.
        TrainingRows? sample = m == data.RowCount ? data // the rows are the sample already (a streamed or in-place fit's)
            : data.IsSparse || (long)m * d <= MaxCopiedValues ? data.Sample(m, n) : null;
        double trace = 0;
        if (sample is not null)
        {
            RowBlock rows = sample.Rows();
            for (int k = 0; k < m; k++)
                trace += SquaredNorm(rows, k, standardization);
        }
        else
        {
            for (int k = 0; k < m; k++)
                trace += SquaredNorm(data.Rows(EvenSample.Row(k, m, n), 1), 0, standardization);
        }
        trace *= 2.0 / m;

        // λmax by Lanczos with full reorthogonalization: the largest Ritz value never exceeds λmax and, unlike plain power
        // iteration, does not stall on a start vector that is nearly orthogonal to the top eigenvector (for p = d + 1 ≤
        // MaxLanczosSteps it is exact after at most p steps). Very wide models keep fewer basis vectors (at most 64 MB of them).
        int p = d + 1;
        int steps = (int)Math.Min(Math.Min(p, MaxLanczosSteps), Math.Max(4, MaxBasisValues / p));
        var basis = new double[steps + 1][];
        var alpha = new double[steps];
        var beta = new double[steps];
        var v = new float[p];
        var hv = new float[p];
        var raw = standardization is null ? null : new float[p];
        var zeros = sample is null ? [] : new float[m];
        var rng = new SplitMix64(12345);
        var q = new double[p];
        for (int j = 0; j < p; j++)
            q[j] = rng.NextDouble() - 0.5;
        Scale(q, 1 / Norm(q));
        basis[0] = q;

        double lambda = 0;
        for (int k = 0; k < steps; k++)
        {
            for (int j = 0; j < p; j++)
                v[j] = (float)basis[k][j];
            ReadOnlySpan<float> point = v;
            if (raw is not null)
            {
                standardization!.ToRaw(v, raw);
                point = raw;
            }
            if (sample is null)
                MultiplyByHessian((DenseDataset)data, m, n, point, hv);
            else
                MseLoss.Gradient(point, RowBlock(sample, zeros), hv);
            standardization?.GradientToStandardized(hv, hv);
            if (!TensorPrimitives.IsFiniteAll<float>(hv))
                return (double.PositiveInfinity, trace);

            var w = new double[p];
            for (int j = 0; j < p; j++)
                w[j] = hv[j];
            alpha[k] = Dot(basis[k], w);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i <= k; i++)
                    AddScaled(w, basis[i], -Dot(basis[i], w));
            }
            beta[k] = Norm(w);

            double next = LargestTridiagonalEigenvalue(alpha, beta, k + 1);
            bool converged = k > 0 && Math.Abs(next - lambda) <= RelativeTolerance * Math.Abs(next);
            lambda = next;
            if (converged || beta[k] <= 1e-10 * Math.Max(Math.Abs(lambda), double.Epsilon))
                break;
            Scale(w, 1 / beta[k]);
            basis[k + 1] = w;
        }
        return (Math.Max(lambda, 0), trace);
    }

    private static RowBlock RowBlock(TrainingRows sample, float[] zeros)
    {
        RowBlock rows = sample.Rows();
        return rows.IsSparse
            ? Core.RowBlock.Trusted(rows.RowStarts, rows.RowEnds, rows.Indices, rows.Values, zeros, rows.FeatureCount)
            : Core.RowBlock.Dense(rows.DenseFeatures, zeros, rows.FeatureCount);
    }

    // ‖x̃ᵢ‖² of one row with its bias input, in the optimizer's space.
    private static double SquaredNorm(RowBlock rows, int row, FeatureStandardization? standardization)
    {
        if (standardization is not null)
            return standardization.SquaredNorm(rows, row);
        if (!rows.IsSparse)
        {
            ReadOnlySpan<float> x = rows.DenseFeatures.Slice(row * rows.FeatureCount, rows.FeatureCount);
            return RowKernels.Dot(x, x) + 1.0;
        }
        double norm = 1;
        for (int k = rows.RowStarts[row]; k < rows.RowEnds[row]; k++)
            norm += (double)rows.Values[k] * rows.Values[k];
        return norm;
    }

    /// <summary>Returns the largest <c>‖x̃ᵢ‖²</c> (features and the bias input, in the optimizer's space) over the first
    /// <paramref name="rowCount"/> rows: the curvature one row brings into any batch it is in. CSR rows are all read, O(nonzeros):
    /// that is where rare rows (a one-hot level seen once) hide. Dense rows are read at the evenly spaced <see cref="MaxSampleRows"/>
    /// of the curvature sample: a full pass would cost a memory pass per fit, and the capped standardization
    /// (<see cref="FeatureStandardization.MaxStandardizedMagnitude"/>) bounds what a dense row outside it can add.</summary>
    public static double LargestRowNorm(TrainingRows data, int rowCount, FeatureStandardization? standardization)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rowCount < 1 || rowCount > data.RowCount)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"must be in range [1, {data.RowCount}].");
        RowBlock rows = data.Rows(0, rowCount);
        if (rows.IsSparse)
            return LargestRowNorm(rows, standardization);
        int m = Math.Min(rowCount, MaxSampleRows);
        double largest = 0;
        for (int k = 0; k < m; k++)
            largest = Math.Max(largest, SquaredNorm(rows, EvenSample.Row(k, m, rowCount), standardization));
        return largest;
    }

    /// <summary>Returns the largest <c>‖x̃ᵢ‖²</c> over every row of <paramref name="rows"/> (a block of a pass over rows read in place).</summary>
    internal static double LargestRowNorm(RowBlock rows, FeatureStandardization? standardization)
    {
        double largest = 0;
        for (int i = 0; i < rows.RowCount; i++)
            largest = Math.Max(largest, SquaredNorm(rows, i, standardization));
        return largest;
    }

    // The largest eigenvalue of the symmetric tridiagonal matrix with diagonal a[0..size) and off-diagonal b[0..size-1), by
    // bisection on the Sturm sequence count inside the Gershgorin bounds.
    private static double LargestTridiagonalEigenvalue(double[] a, double[] b, int size)
    {
        double low = double.MaxValue, high = double.MinValue;
        for (int i = 0; i < size; i++)
        {
            double radius = (i > 0 ? Math.Abs(b[i - 1]) : 0) + (i < size - 1 ? Math.Abs(b[i]) : 0);
            low = Math.Min(low, a[i] - radius);
            high = Math.Max(high, a[i] + radius);
        }
        for (int iteration = 0; iteration < 100 && high - low > 1e-12 * Math.Max(Math.Abs(high), Math.Abs(low)); iteration++)
        {
            double middle = 0.5 * (low + high);
            if (CountBelow(a, b, size, middle) < size)
                low = middle;
            else
                high = middle;
        }
        return high;
    }

    // How many eigenvalues are below x (Sturm sequence of the LDLᵀ pivots).
    private static int CountBelow(double[] a, double[] b, int size, double x)
    {
        int count = 0;
        double pivot = 1;
        for (int i = 0; i < size; i++)
        {
            double off = i > 0 ? b[i - 1] * b[i - 1] : 0;
            pivot = a[i] - x - (i > 0 ? off / pivot : 0);
            if (pivot == 0)
                pivot = -1e-300;
            if (pivot < 0)
                count++;
        }
        return count;
    }

    private static double Dot(double[] x, double[] y) => TensorPrimitives.Dot<double>(x, y);

    private static double Norm(double[] x) => Math.Sqrt(Dot(x, x));

    private static void Scale(double[] x, double factor)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] *= factor;
    }

    private static void AddScaled(double[] x, double[] y, double factor)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] += factor * y[i];
    }

    /// <summary>Returns the automatic learning rate <c>1 / (λmax + tr(H)/B)</c> for a batch size.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public static float SuggestLearningRate(double largestEigenvalue, double trace, int batchSize) =>
        SuggestLearningRate(largestEigenvalue, trace, 0, batchSize);

    /// <summary>Returns the automatic learning rate <c>1 / (λmax + max(tr(H), 2‖x̃‖²max)/B)</c> for a batch size: the noise term of
    /// the average batch, or the curvature of the batch that holds the largest row, whichever is larger.</summary>
    /// <remarks>One row brings <c>(2/B)‖x̃‖²</c> of curvature into its batch, so <c>η ≤ 1/(λmax + 2‖x̃‖²max/B)</c> keeps
    /// <c>η</c> times that below 1: a batch in which two rows of the largest kind line up (a rare one-hot level drawn twice) still
    /// contracts (<c>&lt; 2</c>). With half that term FsCheck found a table (217 rows, a 106-level column and a numeric one,
    /// batch 32) on which three rows of one level in a batch diverged. On Gaussian data the rate is about 14% lower than with the
    /// trace term alone.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public static float SuggestLearningRate(double largestEigenvalue, double trace, double largestRowNorm, int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1.");
        double curvature = largestEigenvalue + Math.Max(trace, 2 * largestRowNorm) / batchSize;
        if (!double.IsFinite(curvature))
            throw new ArgumentException(
                "The features are too large: the curvature of the cost overflows single precision. Scale or normalize the features (e.g. NormalizeMeanVariance).",
                nameof(largestEigenvalue));
        if (curvature <= 0)
            return 1f;
        return (float)Math.Max(1.0 / curvature, float.Epsilon);
    }

    /// <summary>Estimates the curvature of <paramref name="data"/> and returns the automatic learning rate for a batch size.</summary>
    /// <exception cref="ArgumentException">The data has no rows, or its curvature overflows single precision (features too large).</exception>
    public static float SuggestLearningRate(DenseDataset data, int batchSize)
    {
        var (lambda, trace) = Estimate(data);
        if (!double.IsFinite(lambda) || !double.IsFinite(trace))
            throw new ArgumentException(
                $"The features are too large: the curvature of the cost over {data.RowCount} rows overflows single precision. " +
                "Scale or normalize the features (e.g. NormalizeMeanVariance).", nameof(data));
        return SuggestLearningRate(lambda, trace, LargestRowNorm(data, data.RowCount, null), Math.Min(batchSize, data.RowCount));
    }

    /// <summary>Returns the automatic learning rate for the first <paramref name="rowCount"/> rows, in the parameter space of
    /// <paramref name="standardization"/> when it is given.</summary>
    public static float SuggestLearningRate(TrainingRows data, int rowCount, FeatureStandardization? standardization, int batchSize)
    {
        var (lambda, trace) = Estimate(data, rowCount, standardization);
        return SuggestLearningRate(lambda, trace, LargestRowNorm(data, rowCount, standardization), Math.Min(batchSize, rowCount));
    }

    // hv = (2/m) X̃ᵀ X̃ v over the sample: the MSE gradient at parameters v with zero labels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyByHessian(DenseDataset data, int m, int n, ReadOnlySpan<float> v, Span<float> hv)
    {
        int d = data.FeatureCount;
        ReadOnlySpan<float> w = v[..d];
        float b = v[d];
        Span<float> hw = hv[..d];
        hv.Clear();
        double sum = 0;
        for (int k = 0; k < m; k++)
        {
            ReadOnlySpan<float> x = data.Row(EvenSample.Row(k, m, n));
            float u = RowKernels.Dot(x, w) + b;
            sum += u;
            RowKernels.AddScaled(x, u, hw);
        }
        float scale = 2f / m;
        TensorPrimitives.Multiply(hw, scale, hw);
        hv[d] = (float)(sum * scale);
    }
}
