namespace MlNetGd.Trainers.Core;

/// <summary>Thrown when the training cost becomes non-finite or grows by orders of magnitude: the learning rate is too large for the data.</summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception with its figures; the message names the rate, the epoch and what to try.</summary>
    /// <param name="learningRate">The learning rate that diverged.</param>
    /// <param name="epoch">The epoch (from 1) in which divergence was detected.</param>
    /// <param name="cost">The cost that showed it.</param>
    /// <param name="suggestedLearningRate">A rate the curvature of the data says is stable.</param>
    /// <param name="learningRateWasAutomatic">Whether the rate was chosen automatically. That rate is stable by construction, so the
    /// message then points at values too large for single precision instead of at the rate.</param>
    public TrainingDivergedException(float learningRate, int epoch, double cost, float suggestedLearningRate, bool learningRateWasAutomatic = false)
        : base(learningRateWasAutomatic
            ? $"Training diverged in epoch {epoch} with the automatic LearningRate = {learningRate:G4}: the training cost {Describe(cost)}. " +
              "The automatic rate is stable for the data, so this usually means the values are too large for single precision (the gradient overflows). " +
              "Scale the label down (e.g. divide it by a constant) and normalize the features (e.g. NormalizeMeanVariance)."
            : $"Training diverged in epoch {epoch} with LearningRate = {learningRate:G4}: the training cost {Describe(cost)}. " +
              $"Lower LearningRate to {suggestedLearningRate:G3} or less (estimated from the curvature of the data), " +
              "leave it unset to choose it automatically, or normalize the features (e.g. NormalizeMeanVariance).")
    {
        LearningRate = learningRate;
        Epoch = epoch;
        Cost = cost;
        SuggestedLearningRate = suggestedLearningRate;
    }

    /// <summary>Gets the learning rate that diverged.</summary>
    public float LearningRate { get; }

    /// <summary>Gets the epoch (from 1) in which divergence was detected.</summary>
    public int Epoch { get; }

    /// <summary>Gets the cost that showed the divergence (possibly NaN or infinity).</summary>
    public double Cost { get; }

    /// <summary>Gets a learning rate that the curvature of the data says is stable.</summary>
    public float SuggestedLearningRate { get; }

    private static string Describe(double cost) =>
        double.IsFinite(cost) ? $"grew to {cost:G4}, orders of magnitude above where it started" : $"became {cost}";
}
