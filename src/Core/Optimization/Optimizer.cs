using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>What every built-in optimizer shares: a checked learning rate, and a <see cref="Step"/> that checks its arguments
/// before the update rule runs.</summary>
public abstract class Optimizer : IOptimizer
{
    private float _learningRate;

    /// <summary>Creates the optimizer with learning rate η.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not a finite number greater than 0.</exception>
    protected Optimizer(float learningRate) => LearningRate = learningRate;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = GradientDescentSettings.CheckLearningRate(value, nameof(LearningRate));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The gradient and the parameters differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (gradient.Length != parameters.Length)
            throw new ArgumentException($"gradient has length {gradient.Length}; parameters have {parameters.Length}.", nameof(gradient));
        StepCore(parameters, gradient);
    }

    /// <inheritdoc/>
    public abstract void Reset(int parameterCount);

    /// <summary>Applies the update rule; the lengths are already checked. Must not allocate.</summary>
    protected abstract void StepCore(Span<float> parameters, ReadOnlySpan<float> gradient);
}
