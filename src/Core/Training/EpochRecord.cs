namespace MlNetGd.Trainers.Core;

/// <summary>What one epoch of training did.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainingCost">The mean of the minibatch costs over the epoch, each taken before its step and weighted by its rows.
/// With a full batch this is exactly the cost at the start of the epoch, as the PyTorch tutorial prints it. NaN when every batch
/// of the epoch diverged and was rolled back (<see cref="DivergenceAction.Recover"/>).</param>
/// <param name="LearningRate">The learning rate used in the epoch (after any halving by a recovery in it).</param>
/// <param name="ValidationCost">The MSE on the held-out rows of the weights the epoch ended with; NaN without a validation set.</param>
/// <param name="Recoveries">How many times divergence was rolled back (and the rate halved) in this epoch.</param>
public readonly record struct EpochRecord(int Epoch, double TrainingCost, float LearningRate, double ValidationCost = double.NaN, int Recoveries = 0);
