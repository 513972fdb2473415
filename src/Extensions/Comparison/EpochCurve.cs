namespace MlNetGd.Comparison;

/// <summary>GradientDescent's cost per epoch on one fold: training cost, validation (test-rows) cost and the optimum for both.</summary>
public sealed class EpochCurve
{
    /// <summary>Gets the fold number, from 1.</summary>
    public int Fold { get; init; }

    /// <summary>Gets the training cost per epoch (mean of the minibatch MSEs before each step, as the trainer records it).</summary>
    public IReadOnlyList<double> TrainingCost { get; init; } = [];

    /// <summary>Gets the MSE on the fold's test rows after each epoch.</summary>
    public IReadOnlyList<double> ValidationCost { get; init; } = [];

    /// <summary>Gets the learning rate the fit used.</summary>
    public double LearningRate { get; init; }

    /// <summary>Gets whether the learning rate was chosen automatically.</summary>
    public bool LearningRateWasAutomatic { get; init; }

    /// <summary>Gets why the fit stopped (EpochLimit or Converged).</summary>
    public string StopReason { get; init; } = "";

    /// <summary>Gets the exact least-squares optimum's MSE on the training rows, or NaN when singular.</summary>
    public double OptimumTrainingMse { get; init; } = double.NaN;

    /// <summary>Gets the exact least-squares optimum's MSE on the test rows, or NaN when singular.</summary>
    public double OptimumValidationMse { get; init; } = double.NaN;
}
