using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>Trains in the space of standardized features <c>z = (x − μ)/σ</c> without touching the data: an affine change of
/// the parameters that preconditions the MSE.</summary>
/// <remarks>
/// <para>On raw features whose scales differ by 10⁴ the Hessian of the MSE has a condition number near 10⁸, so any stable
/// learning rate crawls in the small-scale directions. In the standardized space the condition number is that of the
/// features' correlation matrix. The optimizer steps parameters <c>θ = [v, c]</c> of the model <c>v·z + c</c>; they map to
/// the raw model <c>W·x + b</c> by <c>wⱼ = vⱼ/σⱼ</c>, <c>b = c − Σⱼ wⱼμⱼ</c>, which predicts the same values. The gradient over
/// θ follows from the raw gradient by the chain rule: <c>∂/∂vⱼ = (∂/∂wⱼ − μⱼ·∂/∂b)/σⱼ</c>, <c>∂/∂c = ∂/∂b</c>.</para>
/// <para>So batches stay raw (no copy, no change to the data), the saved model works on raw features, and each map costs
/// O(d) per batch (against O(Bd) for the gradient). A feature with σ = 0 is frozen at weight 0 (its constant value is
/// absorbed by the bias). μ and σ (population, in double) come from an evenly spaced sample of at most
/// <see cref="MaxSampleRows"/> training rows: the maps are exact for any μ and σ, whose accuracy only affects how well the
/// problem is conditioned, so a sample is enough and keeps the cost off the fit.</para>
/// </remarks>
public sealed class FeatureStandardization
{
    /// <summary>The largest number of rows the mean and deviation are computed from.</summary>
    public const int MaxSampleRows = 65536;

    private const int BlockRows = 256;

    private readonly double[] _mean;
    private readonly double[] _inverseScale;
    private readonly float[] _meanSingle;
    private readonly float[] _inverseScaleSingle;
    private double? _centeredNorm;

    /// <summary>A standardization computed elsewhere — a distributed fit's coordinator ships its one standardization to every worker
    /// as <see cref="Mean"/> and <see cref="InverseScale"/>; rebuilt from them, it maps bit for bit as the original does.</summary>
    internal FeatureStandardization(double[] mean, double[] inverseScale)
    {
        _mean = mean;
        _inverseScale = inverseScale;
        // The per-batch mappings run in single precision with vector operations: they are a change of variables that ToRaw and
        // GradientToStandardized apply consistently, so their rounding changes the optimizer's path, never what the model means.
        _meanSingle = Array.ConvertAll(mean, m => (float)m);
        _inverseScaleSingle = Array.ConvertAll(inverseScale, s => (float)s);
    }

    /// <summary>Gets the number of features.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>Gets the mean μⱼ of each feature.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Gets 1/σⱼ for each feature (0 for a constant feature, which is frozen).</summary>
    public IReadOnlyList<double> InverseScale => _inverseScale;

    /// <summary>The largest magnitude a standardized value may reach: a feature whose largest deviation from its mean is more
    /// than this many standard deviations is scaled by <c>MaxStandardizedMagnitude / largest deviation</c> instead of <c>1/σ</c>.</summary>
    /// <remarks>A one-hot level seen with frequency p has σ ≈ √p, so <c>1/σ</c> would turn its rare 1 into about 1/√p (316 for
    /// p = 10⁻⁵): one row would then dominate any batch it is in, and no rate chosen from typical rows is stable for it. With the
    /// cap a rare level becomes at most 8, while Gaussian-like features (whose largest deviation over a million rows is about
    /// 5σ) keep their exact standardization.</remarks>
    public const double MaxStandardizedMagnitude = 8;

    /// <summary>Computes the mean and scale of each feature over the first <paramref name="rowCount"/> rows: for dense rows from an
    /// evenly spaced sample of at most <see cref="MaxSampleRows"/> of them, for CSR rows from all of them (O(nonzeros), so that a
    /// rare column is never missed and frozen). The scale is <c>1/σ</c>, capped by <see cref="MaxStandardizedMagnitude"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowCount"/> is not in [1, data.RowCount].</exception>
    public static FeatureStandardization Compute(TrainingRows data, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rowCount < 1 || rowCount > data.RowCount)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"must be in range [1, {data.RowCount}].");
        return data is DenseDataset dense ? ComputeDense(dense, rowCount) : ComputeSparse(data.Rows(0, rowCount));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static FeatureStandardization ComputeDense(DenseDataset data, int rowCount)
    {
        int d = data.FeatureCount;
        int m = Math.Min(rowCount, MaxSampleRows);
        // One pass of vector operations (one fused kernel a row). Values are shifted by the first sampled row (so E[(x−K)²] − E[x−K]² does not cancel
        // badly when a mean is large against its deviation), summed in float over blocks of BlockRows rows, and the blocks in double.
        float[] shift = data.Row(EvenSample.Row(0, m, rowCount)).ToArray();
        var blockSum = new float[d];
        var blockSquares = new float[d];
        var highest = new float[d];
        var lowest = new float[d];
        var sum = new double[d];
        var squares = new double[d];
        for (int k = 0; k < m; k++)
        {
            RowKernels.AddMoments(data.Row(EvenSample.Row(k, m, rowCount)), shift, blockSum, blockSquares, highest, lowest);
            if ((k + 1) % BlockRows == 0 || k == m - 1)
            {
                for (int j = 0; j < d; j++)
                {
                    sum[j] += blockSum[j];
                    squares[j] += blockSquares[j];
                }
                blockSum.AsSpan().Clear();
                blockSquares.AsSpan().Clear();
            }
        }
        var mean = new double[d];
        var inverseScale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double offset = sum[j] / m;
            mean[j] = shift[j] + offset;
            double variance = squares[j] / m - offset * offset;
            inverseScale[j] = CappedInverseScale(variance, Math.Max(highest[j] - offset, offset - lowest[j]));
        }
        return new FeatureStandardization(mean, inverseScale);
    }

    // CSR: sums over the stored values; the implicit zeros count in the mean, the deviation and the range.
    private static FeatureStandardization ComputeSparse(RowBlock rows)
    {
        var accumulator = new SparseAccumulator(rows.FeatureCount);
        for (int i = 0; i < rows.RowCount; i++)
        {
            int start = rows.RowStarts[i], end = rows.RowEnds[i];
            accumulator.Add(rows.Indices[start..end], rows.Values[start..end]);
        }
        return accumulator.ToStandardization();
    }

    /// <summary>Collects the per-feature sums of sparse rows offered one at a time (a streamed fit's survey pass), in O(nonzeros)
    /// per row and O(d) memory, and turns them into the standardization of all the rows seen.</summary>
    public sealed class SparseAccumulator
    {
        private readonly double[] _sum, _squares;
        private readonly float[] _highest, _lowest;
        private long _rows;

        /// <summary>Creates the sums for <paramref name="featureCount"/> features.</summary>
        public SparseAccumulator(int featureCount)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
            _sum = new double[featureCount];
            _squares = new double[featureCount];
            _highest = new float[featureCount];
            _lowest = new float[featureCount];
        }

        /// <summary>Creates the sums of rows counted elsewhere: the shards of a distributed fit, each surveyed on its own worker and
        /// added in shard order (<see cref="Parts"/>), so one standardization serves every worker.</summary>
        internal SparseAccumulator(long rows, double[] sum, double[] squares, float[] highest, float[] lowest)
        {
            _rows = rows;
            _sum = sum;
            _squares = squares;
            _highest = highest;
            _lowest = lowest;
        }

        /// <summary>Gets the sums as they stand (the arrays themselves), for a shard to send to the coordinator.</summary>
        internal (long Rows, double[] Sum, double[] Squares, float[] Highest, float[] Lowest) Parts => (_rows, _sum, _squares, _highest, _lowest);

        /// <summary>Adds one row given by its nonzeros (distinct columns in [0, d)).</summary>
        public void Add(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
        {
            for (int k = 0; k < indices.Length; k++)
            {
                int j = indices[k];
                float v = values[k];
                _sum[j] += v;
                _squares[j] += (double)v * v;
                _highest[j] = Math.Max(_highest[j], v); // starting at 0 counts the implicit zeros, which all but a full column has
                _lowest[j] = Math.Min(_lowest[j], v);
            }
            _rows++;
        }

        /// <summary>Adds the sums of <paramref name="other"/> (rows seen elsewhere, a shard of the same columns); merged in the same
        /// order, the same parts give the same bits.</summary>
        /// <exception cref="ArgumentException">The other sums have another feature count.</exception>
        public void Add(SparseAccumulator other)
        {
            ArgumentNullException.ThrowIfNull(other);
            if (other._sum.Length != _sum.Length)
                throw new ArgumentException($"The other sums have {other._sum.Length} features; these have {_sum.Length}.", nameof(other));
            for (int j = 0; j < _sum.Length; j++)
            {
                _sum[j] += other._sum[j];
                _squares[j] += other._squares[j];
                _highest[j] = Math.Max(_highest[j], other._highest[j]);
                _lowest[j] = Math.Min(_lowest[j], other._lowest[j]);
            }
            _rows += other._rows;
        }

        /// <summary>Returns the standardization of the rows added so far.</summary>
        /// <exception cref="InvalidOperationException">No row was added.</exception>
        public FeatureStandardization ToStandardization()
        {
            if (_rows == 0)
                throw new InvalidOperationException("No row was added.");
            int d = _sum.Length;
            var mean = new double[d];
            var inverseScale = new double[d];
            for (int j = 0; j < d; j++)
            {
                double mu = _sum[j] / _rows;
                mean[j] = mu;
                inverseScale[j] = CappedInverseScale(_squares[j] / _rows - mu * mu, Math.Max(_highest[j] - mu, mu - _lowest[j]));
            }
            return new FeatureStandardization(mean, inverseScale);
        }
    }

    private static double CappedInverseScale(double variance, double largestDeviation)
    {
        double sd = Math.Sqrt(Math.Max(variance, 0));
        if (!(sd > 0) || !double.IsFinite(1 / sd))
            return 0;
        return Math.Min(1 / sd, MaxStandardizedMagnitude / Math.Max(largestDeviation, sd));
    }

    /// <summary>Returns <c>‖z̃ᵢ‖² = 1 + Σⱼ ((xᵢⱼ − μⱼ)/sⱼ)²</c>, the squared norm of row <paramref name="row"/> in the standardized space
    /// with the bias input; O(nonzeros) for a CSR row (the centering is implicit: <c>Σⱼ (μⱼ/sⱼ)²</c> is computed once).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double SquaredNorm(RowBlock rows, int row)
    {
        double norm = 1;
        if (!rows.IsSparse)
        {
            ReadOnlySpan<float> x = rows.DenseFeatures.Slice(row * rows.FeatureCount, rows.FeatureCount);
            for (int j = 0; j < x.Length; j++)
            {
                double z = (x[j] - _mean[j]) * _inverseScale[j];
                norm += z * z;
            }
            return norm;
        }
        int start = rows.RowStarts[row], end = rows.RowEnds[row];
        return SquaredNorm(rows.Indices[start..end], rows.Values[start..end]);
    }

    /// <summary>Returns <c>‖z̃‖²</c> of a sparse row given by its stored values and their columns, in O(nonzeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double SquaredNorm(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        double norm = 1 + (_centeredNorm ??= CenteredNorm());
        for (int k = 0; k < indices.Length; k++)
        {
            int j = indices[k];
            double z = (values[k] - _mean[j]) * _inverseScale[j], zero = _mean[j] * _inverseScale[j];
            norm += z * z - zero * zero;
        }
        return Math.Max(norm, 1);
    }

    private double CenteredNorm()
    {
        double sum = 0;
        for (int j = 0; j < _mean.Length; j++)
            sum += _mean[j] * _inverseScale[j] * _mean[j] * _inverseScale[j];
        return sum;
    }

    /// <summary>Maps standardized-space parameters <c>[v, c]</c> to raw-space parameters <c>[W, b]</c>.</summary>
    /// <exception cref="ArgumentException">A span does not have d + 1 values.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ToRaw(ReadOnlySpan<float> standardized, Span<float> raw)
    {
        CheckLength(standardized.Length, nameof(standardized));
        CheckLength(raw.Length, nameof(raw));
        int d = _mean.Length;
        float[] scale = _inverseScaleSingle, mean = _meanSingle;
        float b = standardized[d];
        for (int j = 0; j < scale.Length; j++)
        {
            float w = standardized[j] * scale[j];
            raw[j] = w;
            b -= w * mean[j];
        }
        raw[d] = b;
    }

    /// <summary>Maps raw-space parameters <c>[W, b]</c> to standardized-space parameters <c>[v, c]</c> (for a warm start).</summary>
    /// <exception cref="ArgumentException">A span does not have d + 1 values.</exception>
    public void FromRaw(ReadOnlySpan<float> raw, Span<float> standardized)
    {
        CheckLength(standardized.Length, nameof(standardized));
        CheckLength(raw.Length, nameof(raw));
        int d = _mean.Length;
        double c = raw[d];
        for (int j = 0; j < d; j++)
        {
            c += (double)raw[j] * _mean[j];
            standardized[j] = _inverseScale[j] > 0 ? (float)(raw[j] / _inverseScale[j]) : 0f;
        }
        standardized[d] = (float)c;
    }

    /// <summary>Maps the gradient over raw parameters to the gradient over standardized parameters (the chain rule).</summary>
    /// <exception cref="ArgumentException">A span does not have d + 1 values.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GradientToStandardized(ReadOnlySpan<float> rawGradient, Span<float> destination)
    {
        CheckLength(rawGradient.Length, nameof(rawGradient));
        CheckLength(destination.Length, nameof(destination));
        int d = _mean.Length;
        float gb = rawGradient[d];
        float[] scale = _inverseScaleSingle, mean = _meanSingle;
        for (int j = 0; j < scale.Length; j++)
            destination[j] = (rawGradient[j] - mean[j] * gb) * scale[j];
        destination[d] = gb;
    }

    private void CheckLength(int length, string name)
    {
        if (length != _mean.Length + 1)
            throw new ArgumentException($"{name} has length {length}; {_mean.Length + 1} is needed.", name);
    }
}
