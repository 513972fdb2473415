using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Plain SGD (with optional L2 weight decay, L1 penalty and per-epoch averaging) on CSR batches in O(nonzeros of the batch)
/// per step, whatever d is: the dense parts of each update are kept as scalars and applied lazily.</summary>
/// <remarks>
/// <para>The optimizer works on standardized parameters <c>θ = [v, c]</c> (<see cref="FeatureStandardization"/>; identity when
/// there is none). With <c>uⱼ = μⱼ/σⱼ</c>, the standardized gradient of a batch is <c>∂/∂vⱼ = gⱼ/σⱼ − uⱼ·g_b</c>: the raw
/// gradient <c>g</c> is sparse, the centering term <c>uⱼ·g_b</c> touches every weight. So v is held as
/// <c>v = S·v′ + A·u</c>: a step multiplies S by the decay <c>1 − ηλ</c> (scikit-learn's weight-scale trick), adds
/// <c>η·g_b</c> to A (the centering, folded into one scalar), and changes v′ only where the batch has nonzeros. Predictions need the
/// raw weights <c>wⱼ = vⱼ/σⱼ</c> only at a row's nonzeros, and the raw bias <c>b = c − Σ vⱼuⱼ = c − S·Σv′ⱼuⱼ − A·Σuⱼ²</c>, whose
/// sum is kept up to date as v′ changes. (ML.NET's averaged perceptron and OGD keep their L2 the same way.)</para>
/// <para>L1 by the cumulative penalty (Tsuruoka, Tsujii and Ananiadou, 2009; scikit-learn's <c>_sgd_fast</c>): <c>U = Σₜ ηₜλ₁</c> is
/// the penalty every weight could have received so far, <c>qⱼ</c> what vⱼ did receive; when a step touches j, vⱼ is moved toward 0
/// by what it is owed, <c>U ∓ qⱼ</c>, and clipped at 0. Weights a batch does not touch get theirs when next touched, and all of them at
/// the end of the epoch (<see cref="Store"/>, O(d)). O(nonzeros) a step, as without L1.</para>
/// <para>Averaging: the mean of v over the epoch's steps is <c>(Σₜ Sₜv′ₜ + u·ΣₜAₜ)/T</c>; each v′ⱼ is constant between the steps
/// that touch it, so <c>Σₜ Sₜv′ⱼ,ₜ</c> is added up lazily from prefix sums of S when j is touched, and for every j at the end of the
/// epoch: O(d) once per epoch, not per step.</para>
/// </remarks>
internal sealed class LazySparseSgd : StepEngine
{
    private const double Renormalize = 1e-6;

    // Everything a step reads or writes about column j, in one 32-byte record: on wide data (2^20 hashed slots) each nonzero then
    // costs one cache miss instead of one per array.
    private struct Column
    {
        public float V;       // v′ⱼ
        public float Scale;   // 1/σⱼ (1 without standardization)
        public float U;       // uⱼ = μⱼ/σⱼ
        public float G;       // this step's raw gradient Σ rᵢxᵢⱼ, valid while Stamp is the step
        public int Stamp;
        public int Mark;      // the step up to which Sum is closed
        public double Sum;    // Σₜ Sₜ v′ⱼ,ₜ over steps 1..Mark
    }

    private readonly int _d;
    private readonly Column[] _columns;
    private readonly double _u2;
    private readonly float _weightDecay;
    private readonly float _l1;
    private readonly double[] _received; // qⱼ: the L1 penalty vⱼ received since Load (L1 only)
    private int[] _touched = new int[64];
    private double[] _prefixS = new double[1024]; // prefix sums of S by step, grown as needed
    private double _s = 1, _a, _p, _c, _sumA, _sumC, _owed;
    private int _step;

    /// <summary>Creates the step for d = <paramref name="featureCount"/> with weight decay <paramref name="weightDecay"/> (2λ₂) and L1
    /// penalty <paramref name="l1"/> (λ₁) on the weights.</summary>
    public LazySparseSgd(int featureCount, FeatureStandardization? standardization, float weightDecay = 0, float l1 = 0)
    {
        _d = featureCount;
        _weightDecay = weightDecay;
        _l1 = l1;
        _received = l1 > 0 ? new double[featureCount] : [];
        _columns = new Column[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            ref Column column = ref _columns[j];
            column.Scale = standardization is null ? 1f : (float)standardization.InverseScale[j];
            column.U = standardization is null ? 0f : (float)(standardization.Mean[j] * standardization.InverseScale[j]);
            _u2 += (double)column.U * column.U;
        }
    }

    /// <inheritdoc/>
    public override void Load(ReadOnlySpan<float> theta)
    {
        double p = 0;
        for (int j = 0; j < _d; j++)
        {
            ref Column column = ref _columns[j];
            column.V = theta[j];
            column.Sum = 0;
            column.Mark = 0;
            column.Stamp = 0;
            p += (double)column.V * column.U;
        }
        _p = p;
        _s = 1;
        _a = 0;
        _c = theta[_d];
        _step = 0;
        _sumA = _sumC = _owed = 0;
        _prefixS[0] = 0;
        Array.Clear(_received);
    }

    /// <inheritdoc/>
    /// <remarks>With L1, θ includes the penalty every weight is still owed (the iterates averaged do not: they are as the steps left them).</remarks>
    public override void Store(Span<float> theta, Span<float> average)
    {
        double lastPrefix = _prefixS[_step];
        bool averaging = _step > 0;
        for (int j = 0; j < _d; j++)
        {
            ref Column column = ref _columns[j];
            double v = _s * column.V + _a * column.U;
            theta[j] = (float)(_l1 > 0 ? Penalized(v, _received[j]) : v);
            average[j] = averaging ? (float)((column.Sum + column.V * (lastPrefix - _prefixS[column.Mark]) + _sumA * column.U) / _step) : theta[j];
        }
        theta[_d] = (float)_c;
        average[_d] = averaging ? (float)(_sumC / _step) : theta[_d];
    }

    /// <inheritdoc/>
    public override int Steps => _step;

    /// <inheritdoc/>
    public override void ResetOptimizer()
    {
        // Plain SGD keeps no state beyond θ.
    }

    /// <summary>One SGD step on a CSR batch with rate η. Returns the batch MSE before the step; a cost that is not finite or above
    /// <paramref name="costLimit"/> leaves the state unchanged.</summary>
    /// <exception cref="InvalidOperationException">The batch is dense: this step serves CSR rows only.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Step(in RowBlock batch, float learningRate, double costLimit)
    {
        if (!batch.IsSparse)
            throw new InvalidOperationException("This fit trains CSR batches in O(nonzeros); a source must give one storage for the whole fit.");
        ReadOnlySpan<int> starts = batch.RowStarts, ends = batch.RowEnds, indices = batch.Indices;
        ReadOnlySpan<float> values = batch.Values, labels = batch.Labels;
        int rows = labels.Length;
        if (rows == 0)
            return 0;
        Column[] columns = _columns;
        float s = (float)_s, a = (float)_a;
        float bias = (float)(_c - _s * _p - _a * _u2);
        int stamp = _step + 1, touched = 0;
        double sumResidual = 0, sumSquares = 0;
        for (int i = 0; i < rows; i++)
        {
            int start = starts[i], end = ends[i];
            float dot = 0;
            for (int k = start; k < end; k++)
            {
                ref Column column = ref columns[indices[k]];
                dot += values[k] * (s * column.V + a * column.U) * column.Scale;
            }
            float r = dot + bias - labels[i];
            for (int k = start; k < end; k++)
            {
                int j = indices[k];
                ref Column column = ref columns[j];
                if (column.Stamp != stamp)
                {
                    column.Stamp = stamp;
                    column.G = 0;
                    if (touched == _touched.Length)
                        Array.Resize(ref _touched, touched * 2);
                    _touched[touched++] = j;
                }
                column.G += r * values[k];
            }
            sumResidual += r;
            sumSquares += (double)r * r;
        }
        double cost = sumSquares / rows;
        if (!Accepts(cost, costLimit))
            return cost;

        double eta = learningRate, gb = 2 * sumResidual / rows, decay = 1 - eta * _weightDecay;
        double previousPrefix = _prefixS[_step];
        _step++;
        _s *= decay;
        _a = _a * decay + eta * gb;
        _owed += eta * _l1;
        _c -= eta * gb;
        double factor = eta * 2 / rows / _s;
        double p = _p;
        for (int t = 0; t < touched; t++)
        {
            ref Column column = ref columns[_touched[t]];
            // Close v′ⱼ's constant stretch (steps Mark+1 .. step−1) before it changes at this step.
            column.Sum += column.V * (previousPrefix - _prefixS[column.Mark]);
            column.Mark = _step - 1;
            float change = (float)(factor * column.G * column.Scale);
            column.V -= change;
            p -= (double)change * column.U;
            if (_l1 > 0)
                p += Penalize(ref column, _touched[t]);
        }
        _p = p;
        if (_step + 1 >= _prefixS.Length)
            Array.Resize(ref _prefixS, _prefixS.Length * 2);
        _prefixS[_step] = previousPrefix + _s;
        _sumA += _a;
        _sumC += _c;
        if (_s < Renormalize)
            Rescale();
        return cost;
    }

    // Moves vⱼ toward 0 by the L1 penalty it is owed, clipped at 0 (Tsuruoka et al. 2009); returns the change of v′ⱼ·uⱼ.
    private double Penalize(ref Column column, int j)
    {
        double v = _s * column.V + _a * column.U;
        double penalized = Penalized(v, _received[j]);
        _received[j] += penalized - v;
        float before = column.V;
        column.V = (float)((penalized - _a * column.U) / _s);
        return (double)(column.V - before) * column.U;
    }

    private double Penalized(double v, double received) =>
        v > 0 ? Math.Max(0, v - (_owed + received)) : v < 0 ? Math.Min(0, v + (_owed - received)) : 0;

    // Folds S into v′ (O(d), rare: only with weight decay, once S has shrunk by 10⁶). The lazy sums are closed first, so every mark
    // is the current step and later stretches are measured from here in the new units (S = 1).
    private void Rescale()
    {
        double prefix = _prefixS[_step];
        for (int j = 0; j < _d; j++)
        {
            ref Column column = ref _columns[j];
            column.Sum += column.V * (prefix - _prefixS[column.Mark]);
            column.Mark = _step;
            column.V = (float)(column.V * _s);
        }
        _p *= _s;
        _s = 1;
    }
}
