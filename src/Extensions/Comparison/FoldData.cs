using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>One fold after featurizing: the cached views the trainers read and the same rows as dense matrices.</summary>
internal sealed record FoldData(IDataView TrainView, IDataView TestView, TrainingRows Train, TrainingRows Test);
