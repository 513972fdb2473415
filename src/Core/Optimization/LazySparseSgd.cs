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
/// <para>Threads: a step is a <see cref="CsrBatchSplit"/> — the rows' residuals by chunks of rows, then each fixed part of the columns
/// gathers and applies its own updates — so a large batch is shared with helper threads, and the bias sum <c>Σv′ⱼuⱼ</c> adds its
/// parts' changes in part order: the same bits on any number of threads. A smaller batch (the one-hot and hashed default) runs on the
/// calling thread row by row (<see cref="Rows"/>), with the sums of the parts in their order, so it skips the sort by part.</para>
/// </remarks>
internal sealed class LazySparseSgd : StepEngine, ICsrBatchModel
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
    private readonly WorkTeam _team;
    private readonly CsrBatchSplit _split;
    private readonly int[][] _touched = new int[CsrBatchSplit.Parts][]; // per part, the columns this step touched, in row order
    private readonly double[] _partChange = new double[CsrBatchSplit.Parts]; // per part, this step's change of Σv′ⱼuⱼ
    private double[] _prefixS = new double[1024]; // prefix sums of S by step, grown as needed
    private double _s = 1, _a, _p, _c, _sumA, _sumC, _owed;
    private int _step;
    private Pending _pending; // the step between its two phases

    /// <summary>Creates the step for d = <paramref name="featureCount"/> with weight decay <paramref name="weightDecay"/> (2λ₂) and L1
    /// penalty <paramref name="l1"/> (λ₁) on the weights; batches of <paramref name="minParallelNonzeros"/> nonzeros or more are split
    /// over <paramref name="numberOfThreads"/> threads (<see cref="CsrBatchSplit"/>).</summary>
    public LazySparseSgd(int featureCount, FeatureStandardization? standardization, float weightDecay = 0, float l1 = 0, int numberOfThreads = 0,
        int minParallelNonzeros = CsrBatchSplit.MinParallelNonzeros)
    {
        _d = featureCount;
        _team = new WorkTeam(numberOfThreads);
        _split = new CsrBatchSplit(featureCount, minParallelNonzeros);
        for (int q = 0; q < _touched.Length; q++)
            _touched[q] = new int[64];
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
        int rows = batch.RowCount;
        if (rows == 0)
            return 0;
        _pending = new Pending(learningRate, costLimit, (float)_s, (float)_a, (float)(_c - _s * _p - _a * _u2));
        var (_, sumSquares) = _split.Run(_team, in batch, this);
        if (_pending.Accepted)
        {
            double p = _p;
            foreach (double change in _partChange)
                p += change; // in part order, whichever threads did the parts
            _p = p;
            if (_step + 1 >= _prefixS.Length)
                Array.Resize(ref _prefixS, _prefixS.Length * 2);
            _prefixS[_step] = _pending.PreviousPrefix + _s;
            _sumA += _a;
            _sumC += _c;
            if (_s < Renormalize)
                Rescale();
        }
        return sumSquares / rows;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Residual(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, float label)
    {
        Column[] all = _columns;
        float s = _pending.S, a = _pending.A;
        float dot = 0;
        for (int k = 0; k < columns.Length; k++)
        {
            ref Column column = ref all[columns[k]];
            dot += values[k] * (s * column.V + a * column.U) * column.Scale;
        }
        return dot + _pending.Bias - label;
    }

    /// <inheritdoc/>
    /// <remarks>The scalars of the step (S, A, the owed L1 penalty, the bias) move here, before the parts update their columns.</remarks>
    public bool Accept(double sumResidual, double sumSquares, int rows)
    {
        if (!Accepts(sumSquares / rows, _pending.CostLimit))
            return false;
        double eta = _pending.LearningRate, gb = 2 * sumResidual / rows, decay = 1 - eta * _weightDecay;
        double previousPrefix = _prefixS[_step];
        _step++;
        _s *= decay;
        _a = _a * decay + eta * gb;
        _owed += eta * _l1;
        _c -= eta * gb;
        _pending = _pending with { Accepted = true, PreviousPrefix = previousPrefix, Factor = eta * 2 / rows / _s };
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>The part's columns gather this step's raw gradient <c>Σ rᵢxᵢⱼ</c> (in row order), then each closes its averaging
    /// stretch, steps and takes its L1 penalty; the part's change of <c>Σv′ⱼuⱼ</c> goes to its own slot.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Part(int part, CsrBatchSplit split)
    {
        Column[] columns = _columns;
        int[] touchedColumns = _touched[part];
        int stamp = _step, touched = 0;
        for (int c = 0; c < split.ChunkCount; c++)
        {
            split.Segment(c, part, out var indices, out var contributions);
            for (int e = 0; e < indices.Length; e++)
                Gather(columns, indices[e], contributions[e], stamp, part, ref touchedColumns, ref touched);
        }
        double previousPrefix = _pending.PreviousPrefix, factor = _pending.Factor, change = 0;
        for (int t = 0; t < touched; t++)
            StepColumn(touchedColumns[t], previousPrefix, factor, ref change);
        _partChange[part] = change;
    }

    /// <inheritdoc/>
    /// <remarks>The columns gather the rows' contributions in row order and step in the order they were first touched; each change of
    /// <c>Σv′ⱼuⱼ</c> goes to its column's part: the same sums, in the same order, as <see cref="Part"/> on every part.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Rows(CsrBatchSplit split)
    {
        Column[] columns = _columns;
        int[] touchedColumns = _touched[0];
        int stamp = _step, touched = 0;
        for (int i = 0; i < split.RowCount; i++)
        {
            float r = split.Row(i, out var indices, out var values);
            for (int e = 0; e < indices.Length; e++)
                Gather(columns, indices[e], r * values[e], stamp, 0, ref touchedColumns, ref touched);
        }
        Array.Clear(_partChange);
        double previousPrefix = _pending.PreviousPrefix, factor = _pending.Factor;
        for (int t = 0; t < touched; t++)
        {
            int j = touchedColumns[t];
            StepColumn(j, previousPrefix, factor, ref _partChange[split.PartOf(j)]);
        }
    }

    // Adds a contribution to column j's gradient of this step (stamp), which starts at 0 and joins the touched list of its slot the
    // first time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Gather(Column[] columns, int j, float contribution, int stamp, int slot, ref int[] touchedColumns, ref int touched)
    {
        ref Column column = ref columns[j];
        if (column.Stamp != stamp)
        {
            column.Stamp = stamp;
            column.G = 0;
            if (touched == touchedColumns.Length)
                _touched[slot] = touchedColumns = GrowTouched(touchedColumns);
            touchedColumns[touched++] = j;
        }
        column.G += contribution;
    }

    // Closes column j's averaging stretch, steps it by this step's gradient and takes its L1 penalty; adds the change of v′ⱼuⱼ to
    // change.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StepColumn(int j, double previousPrefix, double factor, ref double change)
    {
        ref Column column = ref _columns[j];
        // Close v′ⱼ's constant stretch (steps Mark+1 .. step−1) before it changes at this step.
        column.Sum += column.V * (previousPrefix - _prefixS[column.Mark]);
        column.Mark = _step - 1;
        float delta = (float)(factor * column.G * column.Scale);
        column.V -= delta;
        change -= (double)delta * column.U;
        if (_l1 > 0)
            change += Penalize(ref column, j);
    }

    private static int[] GrowTouched(int[] touched)
    {
        Array.Resize(ref touched, touched.Length * 2);
        return touched;
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

    // A step between its two phases: what its start fixed (the rate, the limit, the lazy scalars and the bias of the parameters the
    // batch's residuals are taken at) and, once accepted, what its parts read.
    private readonly record struct Pending(float LearningRate, double CostLimit, float S, float A, float Bias)
    {
        public bool Accepted { get; init; }

        public double PreviousPrefix { get; init; }

        public double Factor { get; init; }
    }
}
