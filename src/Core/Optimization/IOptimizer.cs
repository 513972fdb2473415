namespace MlNetGd.Trainers.Core;

/// <summary>Steps parameters down a gradient (PyTorch's <c>optimizer.step()</c>); the gradient itself is computed elsewhere.</summary>
/// <remarks>
/// Parameters and gradient use the <see cref="LinearModel.Parameters"/> layout <c>[W, b]</c>; the last entry is the bias.
/// An optimizer owns whatever state it needs (momentum, moments), sized on the first step or by <see cref="Reset"/>.
/// <see cref="Step"/> must not allocate.
/// </remarks>
public interface IOptimizer
{
    /// <summary>Gets or sets the learning rate used by the next step (schedules change it between steps).</summary>
    float LearningRate { get; set; }

    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradient"/>.</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradient);

    /// <summary>Forgets any state (momentum, moments, step count) and sizes it for <paramref name="parameterCount"/> parameters.</summary>
    void Reset(int parameterCount);
}
