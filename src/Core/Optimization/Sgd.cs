using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>Plain stochastic gradient descent: <c>θ ← θ − η·g</c>.</summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer with learning rate η.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not a finite number greater than 0.</exception>
    public Sgd(float learningRate)
        : base(learningRate)
    {
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void StepCore(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        TensorPrimitives.MultiplyAdd(gradient, -LearningRate, parameters, parameters);
    }

    /// <inheritdoc/>
    public override void Reset(int parameterCount)
    {
        // Plain SGD keeps no state.
    }
}
