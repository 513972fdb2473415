namespace MlNetGd.Trainers.Core;

/// <summary>Thrown when the training cost becomes non-finite or grows by orders of magnitude: the learning rate is too large for the data.</summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception with its figures; the message names the rate, the epoch and what to try.</summary>
    /// <param name="learningRate">The learning rate that diverged.</param>
    /// <param name="epoch">The epoch (from 1) in which divergence was detected.</param>
    /// <param name="cost">The cost that showed it.</param>
    /// <param name="suggestedLearningRate">A rate the curvature of the data says is stable.</param>
    /// <param name="learningRateWasAutomatic">Whether the rate was chosen automatically.</param>
    /// <param name="valuesTooLarge">Whether the cause is the scale of the values (the cost overflowed at once, or the labels or
    /// features are beyond what single precision can train on) rather than the rate; only read for an automatic rate.</param>
    public TrainingDivergedException(float learningRate, int epoch, double cost, float suggestedLearningRate, bool learningRateWasAutomatic = false,
        bool valuesTooLarge = true)
        : base(!learningRateWasAutomatic
            ? $"Training diverged in epoch {epoch} with LearningRate = {learningRate:G4}: the training cost {Describe(cost)}. " +
              $"Lower LearningRate to {suggestedLearningRate:G3} or less (estimated from the curvature of the data), " +
              "leave it unset to choose it automatically, or normalize the features (e.g. NormalizeMeanVariance)."
            : valuesTooLarge
            ? $"Training diverged in epoch {epoch} with the automatic LearningRate = {learningRate:G4}: the training cost {Describe(cost)}. " +
              "The values are too large for single precision (the cost or the gradient overflows). " +
              "Scale the label down (e.g. divide it by a constant) and normalize the features (e.g. NormalizeMeanVariance)."
            : $"Training diverged in epoch {epoch} with the automatic LearningRate = {learningRate:G4}: the training cost {Describe(cost)}. " +
              "The rate comes from the curvature of a sample of the rows and of the largest row; some batches curve more than that " +
              $"(rows unlike the rest: rare categories together, outliers). Set LearningRate to {suggestedLearningRate:G3} or less, " +
              "or OnDivergence = Recover to halve the rate and go on.")
    {
        LearningRate = learningRate;
        Epoch = epoch;
        Cost = cost;
        SuggestedLearningRate = suggestedLearningRate;
    }

    private TrainingDivergedException(string message, TrainingDivergedException inner)
        : base(message, inner)
    {
        LearningRate = inner.LearningRate;
        Epoch = inner.Epoch;
        Cost = inner.Cost;
        SuggestedLearningRate = inner.SuggestedLearningRate;
    }

    /// <summary>The same divergence with its likely cause first (this exception becomes the inner one).</summary>
    internal TrainingDivergedException WithCause(string cause) => new(cause + " " + Message, this);

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
