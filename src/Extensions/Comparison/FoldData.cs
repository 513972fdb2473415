using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>One fold after featurizing: the cached views the trainers read, the same rows as matrices (dense or CSR), and the repeated
/// test rows scoring is timed on.</summary>
internal sealed record FoldData(IDataView TrainView, IDataView TestView, TrainingRows Train, TrainingRows Test, ScoringSet Scoring);
