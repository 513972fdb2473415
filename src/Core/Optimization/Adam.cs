using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Adam, and AdamW with decoupled weight decay, exactly as PyTorch's <c>torch.optim.Adam</c> and <c>torch.optim.AdamW</c>
/// document them (<c>amsgrad = False</c>).</summary>
/// <remarks>
/// <para>For step t: Adam adds weight decay to the gradient, <c>g ← g + λθ</c>; AdamW instead shrinks the weights first,
/// <c>θ ← θ − ηλθ</c>. Then <c>m ← β₁m + (1 − β₁)g</c>, <c>v ← β₂v + (1 − β₂)g²</c>, <c>m̂ = m/(1 − β₁ᵗ)</c>,
/// <c>v̂ = v/(1 − β₂ᵗ)</c>, <c>θ ← θ − η·m̂/(√v̂ + ε)</c>.</para>
/// <para>Weight decay never applies to the last parameter, the bias. The moments are sized by <see cref="Reset"/> (or on the
/// first step); <see cref="Optimizer.Step"/> allocates nothing after that. The bias corrections are computed in double.</para>
/// </remarks>
public sealed class Adam : Optimizer
{
    /// <summary>The automatic learning rate per unit of label deviation: Adam's step is about η per coordinate whatever the
    /// gradient's scale, so the curvature does not set it; the automatic rate is <c>0.01 × std(y)</c> (0.01 for constant labels),
    /// so that the fit does not depend on the unit of the labels.</summary>
    public const float DefaultLearningRate = 0.01f;

    /// <summary>Returns the automatic Adam rate <c>DefaultLearningRate × std(labels)</c>, or <see cref="DefaultLearningRate"/> for constant labels.</summary>
    public static float SuggestLearningRate(ReadOnlySpan<float> labels)
    {
        if (labels.Length == 0)
            return DefaultLearningRate;
        double mean = 0, squares = 0;
        foreach (float y in labels)
            mean += y;
        mean /= labels.Length;
        foreach (float y in labels)
            squares += (y - mean) * (y - mean);
        double rate = DefaultLearningRate * Math.Sqrt(squares / labels.Length);
        return rate > 0 && rate < float.MaxValue ? (float)rate : DefaultLearningRate;
    }

    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private readonly bool _decoupled;
    private float[] _m = [];
    private float[] _v = [];
    private long _t;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">η, a finite number greater than 0.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε, a finite number greater than 0.</param>
    /// <param name="weightDecay">λ ≥ 0 (weights only, never the bias).</param>
    /// <param name="decoupledWeightDecay"><see langword="true"/> for AdamW (decay applied to θ), <see langword="false"/> for Adam (decay added to g).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Adam(float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0,
        bool decoupledWeightDecay = false)
        : base(learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in range [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in range [0, 1).");
        if (!(epsilon > 0) || float.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be a finite number greater than 0.");
        if (!(weightDecay >= 0) || float.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "must be a finite number >= 0.");
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _decoupled = decoupledWeightDecay;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void StepCore(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (_m.Length != parameters.Length)
            Reset(parameters.Length);
        _t++;
        float correction1 = (float)(1 - Math.Pow(_beta1, _t));
        float sqrtCorrection2 = (float)Math.Sqrt(1 - Math.Pow(_beta2, _t));
        float eta = LearningRate;
        int last = parameters.Length - 1;
        for (int j = 0; j < parameters.Length; j++)
        {
            float g = gradient[j];
            if (_weightDecay != 0 && j != last)
            {
                if (_decoupled)
                    parameters[j] -= eta * _weightDecay * parameters[j];
                else
                    g += _weightDecay * parameters[j];
            }
            float m = _m[j] = _beta1 * _m[j] + (1 - _beta1) * g;
            float v = _v[j] = _beta2 * _v[j] + (1 - _beta2) * g * g;
            parameters[j] -= eta * (m / correction1) / (MathF.Sqrt(v) / sqrtCorrection2 + _epsilon);
        }
    }

    /// <inheritdoc/>
    public override void Reset(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        if (_m.Length != parameterCount)
        {
            _m = new float[parameterCount];
            _v = new float[parameterCount];
        }
        else
        {
            Array.Clear(_m);
            Array.Clear(_v);
        }
        _t = 0;
    }
}
