using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>One fold after featurizing: the cached views the trainers read, the same rows as dense matrices, and the repeated test rows
/// scoring is timed on.</summary>
internal sealed record FoldData(IDataView TrainView, IDataView TestView, DenseDataset Train, DenseDataset Test, ScoringSet Scoring);
