using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay, exactly as
/// PyTorch's <c>torch.optim.SGD</c> documents it.</summary>
/// <remarks>
/// <para>For step t: <c>g ← g + λθ</c> (weight decay, weights only); if μ ≠ 0: <c>b ← g</c> at t = 1, else
/// <c>b ← μb + (1 − τ)g</c>; then <c>g ← g + μb</c> (Nesterov) or <c>g ← b</c>; finally <c>θ ← θ − η·g</c>.</para>
/// <para>Weight decay never applies to the last parameter, the bias (<see cref="LinearModel.Parameters"/> layout).
/// The momentum buffer is sized by <see cref="Reset"/> (or on the first step); <see cref="Optimizer.Step"/> allocates nothing after that.</para>
/// </remarks>
public sealed class MomentumSgd : Optimizer
{
    private readonly float _momentum;
    private readonly float _dampening;
    private readonly bool _nesterov;
    private readonly float _weightDecay;
    private float[] _buffer = [];
    private bool _started;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">η, a finite number greater than 0.</param>
    /// <param name="momentum">μ in [0, 1).</param>
    /// <param name="dampening">τ in [0, 1]; must be 0 with Nesterov.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0).</param>
    /// <param name="weightDecay">λ ≥ 0, added as λθ to the gradient of the weights (not the bias).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov with μ = 0 or τ ≠ 0.</exception>
    public MomentumSgd(float learningRate, float momentum = 0, float dampening = 0, bool nesterov = false, float weightDecay = 0)
        : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "must be in range [0, 1).");
        if (!(dampening >= 0 && dampening <= 1))
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "must be in range [0, 1].");
        if (!(weightDecay >= 0) || float.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "must be a finite number >= 0.");
        if (nesterov && (momentum == 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0.", nameof(nesterov));
        _momentum = momentum;
        _dampening = dampening;
        _nesterov = nesterov;
        _weightDecay = weightDecay;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void StepCore(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (_momentum != 0 && _buffer.Length != parameters.Length)
            Reset(parameters.Length);
        int last = parameters.Length - 1;
        float eta = LearningRate;
        for (int j = 0; j < parameters.Length; j++)
        {
            float g = gradient[j];
            if (_weightDecay != 0 && j != last)
                g += _weightDecay * parameters[j];
            if (_momentum != 0)
            {
                float b = _started ? _momentum * _buffer[j] + (1 - _dampening) * g : g;
                _buffer[j] = b;
                g = _nesterov ? g + _momentum * b : b;
            }
            parameters[j] -= eta * g;
        }
        _started = true;
    }

    /// <inheritdoc/>
    public override void Reset(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        if (_buffer.Length != parameterCount)
            _buffer = new float[_momentum != 0 ? parameterCount : 0];
        else
            Array.Clear(_buffer);
        _started = false;
    }
}
