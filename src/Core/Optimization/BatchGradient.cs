using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>The MSE and its gradient over a batch, computed over fixed-size chunks of rows on one or more cores,
/// with the same bits whatever the number of threads.</summary>
/// <remarks>
/// <para>Dense rows: the batch is split into chunks of <see cref="ChunkRows"/> rows (the last may be smaller); the split depends only on
/// the batch size, never on the thread count. Each chunk's sums <c>Σ rᵢxᵢ</c>, <c>Σ rᵢ</c> and <c>Σ rᵢ²</c> go to that chunk's own
/// preallocated buffer, whichever thread computes it, and the chunks are then added in chunk order on the calling thread. So
/// 1 thread and 8 threads give bit-identical gradients, and a batch of at most <see cref="ChunkRows"/> rows gives exactly
/// <see cref="MseLoss.Gradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</para>
/// <para>CSR rows: <see cref="CsrBatchSplit"/> (residuals by chunks of rows, then the gradient by fixed column parts), which adds each
/// column's contributions in row order: the bits of one thread going through the rows, on any number of threads.</para>
/// <para>Work is shared through a <see cref="WorkTeam"/>, and only for dense batches of at least <see cref="DefaultMinParallelRows"/> rows
/// by default (CSR: <see cref="CsrBatchSplit.MinParallelNonzeros"/> nonzeros); smaller ones do not repay the hand-off. Nothing is
/// allocated per batch once the buffers have grown to the largest batch seen.</para>
/// <para>Scale as in <see cref="MseLoss"/>: cost = <c>(1/B) Σ rᵢ²</c>, gradient = <c>(2/B) [Σ rᵢxᵢ, Σ rᵢ]</c>.</para>
/// <para>One instance serves one fit at a time: <see cref="Compute(ReadOnlySpan{float}, in RowBlock, Span{float})"/> is not re-entrant.</para>
/// </remarks>
public sealed unsafe class BatchGradient : ITeamWork
{
    /// <summary>The rows per chunk: the fixed unit of work and of the reduction order.</summary>
    public const int ChunkRows = 512;

    /// <summary>The default smallest batch (in rows) whose chunks are shared with helper threads (measured in bench/RESULTS.md).</summary>
    public const int DefaultMinParallelRows = 2048;

    private readonly int _parameterCount;
    private readonly int _minParallelRows;
    private readonly WorkTeam _team;
    private readonly SparseModel _sparse;
    private float[] _partialGradients = [];
    private double[] _partialResiduals = [];
    private double[] _partialSquares = [];

    // The dense batch in flight, read by the helpers; the pointers are valid only inside Compute (the spans are pinned there).
    private float* _weights;
    private float _bias;
    private float* _features;
    private float* _labels;
    private int _rows;

    /// <summary>Creates the buffers for a model of <paramref name="parameterCount"/> parameters <c>[W, b]</c>.</summary>
    /// <param name="parameterCount">d + 1, at least 2.</param>
    /// <param name="numberOfThreads">The threads to use, the caller included; 0 means all cores (<see cref="Environment.ProcessorCount"/>).</param>
    /// <param name="minParallelRows">The smallest batch whose chunks are shared with helper threads; it changes the speed, never the result.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public BatchGradient(int parameterCount, int numberOfThreads = 0, int minParallelRows = DefaultMinParallelRows)
    {
        if (parameterCount < 2)
            throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "must be at least 2 (one weight and the bias).");
        if (numberOfThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(numberOfThreads), numberOfThreads, "must be 0 (all cores) or more.");
        if (minParallelRows < 0)
            throw new ArgumentOutOfRangeException(nameof(minParallelRows), minParallelRows, "must be 0 or more.");
        _parameterCount = parameterCount;
        _minParallelRows = minParallelRows;
        _team = new WorkTeam(numberOfThreads);
        _sparse = new SparseModel(parameterCount - 1);
    }

    /// <summary>Gets the number of threads a large batch is spread over, the caller included.</summary>
    public int ThreadCount => _team.ThreadCount;

    /// <summary>Gets how many chunks (dense) or units (CSR) helper threads have computed so far (diagnostics and tests).</summary>
    internal long ChunksByHelpers => _team.UnitsByHelpers;

    /// <summary>Computes the cost over a batch and writes its gradient.</summary>
    /// <param name="parameters">The model parameters <c>[W, b]</c>, length d + 1.</param>
    /// <param name="features">B rows of d features, row-major.</param>
    /// <param name="labels">B labels.</param>
    /// <param name="gradient">Receives <c>∂cost/∂[W, b]</c>, length d + 1; overwritten.</param>
    /// <returns>The mean squared error over the batch (0 for an empty batch, whose gradient is zero).</returns>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Compute(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> labels, Span<float> gradient)
    {
        if ((long)labels.Length * (_parameterCount - 1) != features.Length)
            ThrowLength(nameof(features), features.Length, (long)labels.Length * (_parameterCount - 1));
        return Compute(parameters, RowBlock.Dense(features, labels, _parameterCount - 1), gradient);
    }

    /// <summary>Computes the cost over a block of rows, dense or CSR, and writes its gradient.</summary>
    /// <param name="parameters">The model parameters <c>[W, b]</c>, length d + 1.</param>
    /// <param name="batch">The rows.</param>
    /// <param name="gradient">Receives <c>∂cost/∂[W, b]</c>, length d + 1; overwritten.</param>
    /// <returns>The mean squared error over the batch (0 for an empty batch, whose gradient is zero).</returns>
    /// <remarks>A CSR batch costs O(nonzeros + d) (the gradient is cleared).</remarks>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Compute(ReadOnlySpan<float> parameters, in RowBlock batch, Span<float> gradient)
    {
        int p = _parameterCount;
        int d = p - 1;
        if (parameters.Length != p)
            ThrowLength(nameof(parameters), parameters.Length, p);
        if (gradient.Length != p)
            ThrowLength(nameof(gradient), gradient.Length, p);
        if (batch.FeatureCount != d)
            ThrowLength(nameof(batch), batch.FeatureCount, d);

        ReadOnlySpan<float> labels = batch.Labels;
        int rows = labels.Length;
        gradient.Clear();
        if (rows == 0)
            return 0;
        if (batch.IsSparse)
            return Finish(gradient, rows, _sparse.Accumulate(_team, parameters, in batch, gradient[..d]));
        ReadOnlySpan<float> features = batch.DenseFeatures;
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        Span<float> gw = gradient[..d];
        double sumResidual, sumSquares;
        if (chunks == 1)
        {
            // One chunk: its sums are the batch's; no buffers, no hand-off.
            (sumResidual, sumSquares) = GradientKernel.Accumulate(parameters[..d], parameters[d], features, labels, gw);
            return Finish(gradient, rows, sumResidual, sumSquares);
        }
        EnsureCapacity(chunks);

        fixed (float* w = parameters, x = features, y = labels)
        {
            _weights = w;
            _features = x;
            _labels = y;
            (_bias, _rows) = (parameters[d], rows);
            _team.Run(this, chunks, rows >= _minParallelRows);
            _weights = _features = _labels = null;
        }

        // The reduction, in chunk order.
        sumResidual = 0;
        sumSquares = 0;
        _partialGradients.AsSpan(0, d).CopyTo(gw);
        for (int c = 0; c < chunks; c++)
        {
            if (c > 0)
                TensorPrimitives.Add(gw, _partialGradients.AsSpan(c * d, d), gw);
            sumResidual += _partialResiduals[c];
            sumSquares += _partialSquares[c];
        }
        return Finish(gradient, rows, sumResidual, sumSquares);
    }

    private static double Finish(Span<float> gradient, int rows, (double SumResidual, double SumSquares) sums) =>
        Finish(gradient, rows, sums.SumResidual, sums.SumSquares);

    private static double Finish(Span<float> gradient, int rows, double sumResidual, double sumSquares)
    {
        int d = gradient.Length - 1;
        float scale = 2f / rows;
        TensorPrimitives.Multiply(gradient[..d], scale, gradient[..d]);
        gradient[d] = (float)(sumResidual * scale);
        return sumSquares / rows;
    }

    /// <summary>Adds <c>Σ rᵢxᵢ</c> over a block of rows to <paramref name="sum"/> and returns <c>(Σ rᵢ, Σ rᵢ²)</c>, with
    /// <c>rᵢ = w·xᵢ + b − yᵢ</c>: the per-chunk kernel (<see cref="GradientKernel"/>), one read of each row.</summary>
    internal static (double SumResidual, double SumSquares) Accumulate(
        ReadOnlySpan<float> weights, float bias, ReadOnlySpan<float> features, ReadOnlySpan<float> labels, Span<float> sum) =>
        GradientKernel.Accumulate(weights, bias, features, labels, sum);

    /// <summary>One dense chunk: its sums into its own buffers (a unit of the team).</summary>
    void ITeamWork.Run(int chunk)
    {
        int d = _parameterCount - 1;
        int start = chunk * ChunkRows;
        int rows = Math.Min(ChunkRows, _rows - start);
        var sum = _partialGradients.AsSpan(chunk * d, d);
        sum.Clear();
        var (residuals, squares) = Accumulate(new ReadOnlySpan<float>(_weights, d), _bias,
            new ReadOnlySpan<float>(_features + (long)start * d, rows * d), new ReadOnlySpan<float>(_labels + start, rows), sum);
        _partialResiduals[chunk] = residuals;
        _partialSquares[chunk] = squares;
    }

    private void EnsureCapacity(int chunks)
    {
        if (_partialResiduals.Length >= chunks)
            return;
        _partialGradients = new float[chunks * (_parameterCount - 1)];
        _partialResiduals = new double[chunks];
        _partialSquares = new double[chunks];
    }

    private static void ThrowLength(string name, long actual, long expected) =>
        throw new ArgumentException($"{name} has length {actual}; {expected} is needed.", name);

    /// <summary>The CSR gradient as a <see cref="CsrBatchSplit"/> model: the raw weights' residuals, then each part's columns of
    /// <c>Σ rᵢxᵢ</c>.</summary>
    private sealed class SparseModel(int featureCount) : ICsrBatchModel
    {
        private readonly CsrBatchSplit _split = new(featureCount);
        private float* _weights, _sum;
        private float _bias;

        public (double SumResidual, double SumSquares) Accumulate(WorkTeam team, ReadOnlySpan<float> parameters, in RowBlock batch, Span<float> sum)
        {
            fixed (float* w = parameters, g = sum)
            {
                _weights = w;
                _sum = g;
                _bias = parameters[featureCount];
                try
                {
                    return _split.Run(team, in batch, this);
                }
                finally
                {
                    _weights = _sum = null;
                }
            }
        }

        public float Residual(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, float label) =>
            RowBlock.SparseDot(columns, values, new ReadOnlySpan<float>(_weights, featureCount)) + _bias - label;

        public bool Accept(double sumResidual, double sumSquares, int rows) => true;

        public void Part(int part, CsrBatchSplit split)
        {
            for (int c = 0; c < split.ChunkCount; c++)
            {
                split.Segment(c, part, out var columns, out var contributions);
                for (int e = 0; e < columns.Length; e++)
                    _sum[columns[e]] += contributions[e];
            }
        }

        public void Rows(CsrBatchSplit split)
        {
            for (int i = 0; i < split.RowCount; i++)
            {
                float r = split.Row(i, out var columns, out var values);
                for (int e = 0; e < columns.Length; e++)
                    _sum[columns[e]] += r * values[e];
            }
        }
    }
}
