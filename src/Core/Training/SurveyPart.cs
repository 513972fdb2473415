namespace MlNetGd.Trainers.Core;

/// <summary>What the survey's first pass over some rows found (<see cref="Survey.TakePart"/>): the evenly spaced sample and, for
/// CSR rows, the column sums over every row (or the largest raw row, without standardization). A distributed fit takes one per
/// shard and merges them in shard order.</summary>
/// <param name="Sample">The evenly spaced sample of the rows.</param>
/// <param name="RowCount">The rows passed over.</param>
/// <param name="Sums">The column sums of CSR rows, when the fit standardizes; else <see langword="null"/>.</param>
/// <param name="LargestRawRowNorm">The largest <c>1 + ‖xᵢ‖²</c> over every CSR row when the fit does not standardize; else 0.</param>
public sealed record SurveyPart(TrainingRows Sample, long RowCount, FeatureStandardization.SparseAccumulator? Sums, double LargestRawRowNorm);
