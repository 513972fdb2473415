using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>Plain stochastic gradient descent: <c>θ ← θ − η·g</c>.</summary>
public sealed class Sgd : IOptimizer
{
    private float _learningRate;

    /// <summary>Creates the optimizer with learning rate η.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not a finite number greater than 0.</exception>
    public Sgd(float learningRate) => LearningRate = learningRate;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = GradientDescentSettings.CheckLearningRate(value, nameof(LearningRate));
    }

    /// <inheritdoc/>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (gradient.Length != parameters.Length)
            throw new ArgumentException($"gradient has length {gradient.Length}; parameters have {parameters.Length}.", nameof(gradient));
        TensorPrimitives.MultiplyAdd(gradient, -_learningRate, parameters, parameters);
    }

    /// <inheritdoc/>
    public void Reset(int parameterCount)
    {
        // Plain SGD keeps no state.
    }
}
