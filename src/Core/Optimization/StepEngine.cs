namespace MlNetGd.Trainers.Core;

/// <summary>How one minibatch moves the parameters θ of a fit (in the optimizer's space: standardized when the fit standardizes):
/// the batch's MSE and its gradient, one update, the L1 penalty, and the running average of the iterates since the last
/// <see cref="Load"/>.</summary>
/// <remarks>Two implementations: <see cref="GradientStep"/> (any <see cref="IOptimizer"/>, dense or CSR batches, O(d) a step) and
/// <see cref="LazySparseSgd"/> (plain SGD with L2 and L1 on CSR batches, O(nonzeros) a step). The session picks one per fit
/// (<see cref="Create"/>); both own their state and allocate nothing per step.</remarks>
internal abstract class StepEngine
{
    /// <summary>Chooses the engine of a fit: the O(nonzeros) one for CSR rows under plain SGD built from the settings, the
    /// gradient step with the settings' (or the given) optimizer otherwise.</summary>
    public static StepEngine Create(GradientDescentSettings settings, int featureCount, FeatureStandardization? standardization,
        IOptimizer? optimizer, float learningRate, bool sparseRows) =>
        sparseRows && optimizer is null && settings.Optimizer == OptimizerKind.Sgd
            ? new LazySparseSgd(featureCount, standardization, 2 * settings.L2Regularization, settings.L1Regularization)
            : new GradientStep(settings, featureCount, standardization, optimizer ?? OptimizerFactory.Create(settings, learningRate));

    /// <summary>Gets the number of steps since <see cref="Load"/>.</summary>
    public abstract int Steps { get; }

    /// <summary>Starts from parameters θ (d + 1) and a new running average; O(d).</summary>
    public abstract void Load(ReadOnlySpan<float> theta);

    /// <summary>Computes the batch's MSE at the current θ and, when it is finite and at most <paramref name="costLimit"/>, steps
    /// with rate <paramref name="learningRate"/>; otherwise leaves θ unchanged.</summary>
    /// <returns>The batch's MSE before the step.</returns>
    public abstract double Step(in RowBlock batch, float learningRate, double costLimit);

    /// <summary>Writes θ and the mean of the iterates since <see cref="Load"/> (θ itself before any step); O(d).</summary>
    public abstract void Store(Span<float> theta, Span<float> average);

    /// <summary>Forgets the optimizer's state (momentum, moments) after a rollback.</summary>
    public abstract void ResetOptimizer();

    /// <summary>Returns whether a batch's cost lets the step be taken.</summary>
    protected static bool Accepts(double cost, double costLimit) => double.IsFinite(cost) && cost <= costLimit;
}
