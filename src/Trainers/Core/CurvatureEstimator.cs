using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>Estimates the curvature of the MSE of a linear model, to choose a learning rate that cannot diverge.</summary>
/// <remarks>
/// <para>The MSE of <c>[W, b]</c> has the constant Hessian <c>H = (2/n) X̃ᵀX̃</c>, where <c>X̃ = [X, 1]</c>. Full-batch gradient
/// descent is stable for <c>η &lt; 2/λmax(H)</c>. A minibatch of B rows adds noise whose curvature is about <c>tr(H)/B</c>, so
/// the automatic rate is <c>η = 1 / (λmax + tr(H)/B)</c>: half the full-batch limit when B = n, and below <c>1/tr(H)</c> for pure SGD.</para>
/// <para>λmax comes from power iteration, and both figures from an evenly spaced sample of at most <see cref="MaxSampleRows"/> rows.
/// The estimate is deterministic; it copies the sample once into contiguous rows (up to 16 MB) so that each power iteration
/// is one pass of the fused gradient kernel.</para>
/// </remarks>
public static class CurvatureEstimator
{
    /// <summary>The largest number of rows the estimate reads.</summary>
    public const int MaxSampleRows = 16384;

    private const int MaxIterations = 100;
    private const int MaxCopiedValues = 4 << 20;
    private const double RelativeTolerance = 1e-4;

    /// <summary>Estimates λmax and the trace of <c>H = (2/n) X̃ᵀX̃</c>.</summary>
    /// <exception cref="ArgumentException">The dataset has no rows.</exception>
    public static (double LargestEigenvalue, double Trace) Estimate(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.RowCount == 0)
            throw new ArgumentException("The dataset has no rows.", nameof(data));

        int d = data.FeatureCount;
        int n = data.RowCount;
        int m = Math.Min(n, MaxSampleRows);
        double trace = 0;
        for (int k = 0; k < m; k++)
        {
            ReadOnlySpan<float> x = data.Row(SampleRow(k, m, n));
            trace += TensorPrimitives.Dot(x, x) + 1.0;
        }
        trace *= 2.0 / m;

        // The sample is copied once into contiguous rows (when that is at most 16 MB), so each power iteration is one pass of the
        // fused gradient kernel; wider data is read in place, row by row.
        float[]? sample = null;
        if ((long)m * d <= MaxCopiedValues)
        {
            sample = GC.AllocateUninitializedArray<float>(m * d);
            for (int k = 0; k < m; k++)
                data.Row(SampleRow(k, m, n)).CopyTo(sample.AsSpan(k * d, d));
        }
        var zeros = sample is null ? [] : new float[m];
        var v = new float[d + 1];
        var hv = new float[d + 1];
        var rng = new SplitMix64(12345);
        for (int j = 0; j < v.Length; j++)
            v[j] = (float)(0.5 + rng.NextDouble());
        Normalize(v);

        double lambda = 0;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            if (sample is null)
                MultiplyByHessian(data, m, v, hv);
            else
                SquaredLoss.Gradient(v, sample, zeros, hv); // the MSE gradient at parameters v with zero labels is H v
            double next = TensorPrimitives.Dot<float>(v, hv); // Rayleigh quotient, v has unit norm
            if (!(TensorPrimitives.Norm<float>(hv) > 0))
                return (Math.Max(next, 0), trace);
            hv.CopyTo(v, 0);
            Normalize(v);
            bool converged = Math.Abs(next - lambda) <= RelativeTolerance * Math.Abs(next);
            lambda = next;
            if (converged)
                break;
        }
        return (lambda, trace);
    }

    /// <summary>Returns the automatic learning rate <c>1 / (λmax + tr(H)/B)</c> for a batch size.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public static float SuggestLearningRate(double largestEigenvalue, double trace, int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1.");
        double curvature = largestEigenvalue + trace / batchSize;
        if (!double.IsFinite(curvature))
            throw new ArgumentException(
                "The features are too large: the curvature of the cost overflows single precision. Scale or normalize the features (e.g. NormalizeMeanVariance).",
                nameof(largestEigenvalue));
        if (curvature <= 0)
            return 1f;
        return (float)Math.Max(1.0 / curvature, float.Epsilon);
    }

    /// <summary>Estimates the curvature of <paramref name="data"/> and returns the automatic learning rate for a batch size.</summary>
    public static float SuggestLearningRate(DenseDataset data, int batchSize)
    {
        var (lambda, trace) = Estimate(data);
        return SuggestLearningRate(lambda, trace, Math.Min(batchSize, data.RowCount));
    }

    private static int SampleRow(int k, int m, int n) => (int)((long)k * n / m);

    // hv = (2/m) X̃ᵀ X̃ v over the sample: the MSE gradient at parameters v with zero labels.
    private static void MultiplyByHessian(DenseDataset data, int m, ReadOnlySpan<float> v, Span<float> hv)
    {
        int d = data.FeatureCount;
        int n = data.RowCount;
        ReadOnlySpan<float> w = v[..d];
        float b = v[d];
        Span<float> hw = hv[..d];
        hv.Clear();
        double sum = 0;
        for (int k = 0; k < m; k++)
        {
            ReadOnlySpan<float> x = data.Row(SampleRow(k, m, n));
            float u = TensorPrimitives.Dot(x, w) + b;
            sum += u;
            TensorPrimitives.MultiplyAdd(x, u, hw, hw);
        }
        float scale = 2f / m;
        TensorPrimitives.Multiply(hw, scale, hw);
        hv[d] = (float)(sum * scale);
    }

    private static void Normalize(Span<float> v)
    {
        float norm = TensorPrimitives.Norm(v);
        if (norm > 0)
            TensorPrimitives.Divide(v, norm, v);
    }
}
