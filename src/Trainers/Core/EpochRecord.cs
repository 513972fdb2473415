namespace MlNetGd.Trainers.Core;

/// <summary>What one epoch of training did.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainingCost">The mean of the minibatch costs over the epoch, each taken before its step and weighted by its rows.
/// With a full batch this is exactly the cost at the start of the epoch, as the PyTorch tutorial prints it.</param>
/// <param name="LearningRate">The learning rate used in the epoch.</param>
public readonly record struct EpochRecord(int Epoch, double TrainingCost, float LearningRate);
