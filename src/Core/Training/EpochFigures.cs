namespace MlNetGd.Trainers.Core;

/// <summary>What the stopping policy reads at the end of an epoch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Cost">The epoch's training cost (the mean of its batch costs).</param>
/// <param name="SampleCost">The returned model's MSE on the survey's sample, or NaN where the rate cannot be annealed (it is then
/// not measured).</param>
/// <param name="ValidationCost">The returned model's MSE on the held-out rows, or NaN without them.</param>
/// <param name="Steps">The optimizer steps the epoch made.</param>
/// <param name="Recoveries">The divergence recoveries the epoch made.</param>
/// <param name="RolledBack">Whether the epoch was rolled back for divergence.</param>
internal readonly record struct EpochFigures(int Epoch, double Cost, double SampleCost, double ValidationCost, int Steps, int Recoveries, bool RolledBack);
