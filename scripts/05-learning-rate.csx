// 05 — The learning rate: the same regression for rates from 0.001 to 1. Too small crawls, too large diverges.
#r "nuget: MlNetGd.Trainers, 0.1.0"
using System.Globalization;
using MlNetGd.Trainers.Core;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var data = DenseDataset.FromRows([[1f], [2f], [3f]], [2f, 4f, 6f]);   // hours -> score
const int Epochs = 1000;
TrainingDivergedException firstDivergence = null;   // no "?": dotnet-script compiles without a nullable context

Console.WriteLine($"Full-batch gradient descent, {Epochs} epochs, W = b = 0 at the start");
Console.WriteLine($"{"rate",8} | {"final cost",12} | {"W",8} | {"b",8} | prediction(4)");
foreach (float rate in new[] { 0.001f, 0.003f, 0.01f, 0.03f, 0.1f, 0.3f, 1f })
{
    var model = new LinearModel(featureCount: 1);
    // BatchSize 3 = all rows: one step per epoch, as in the tutorial. Tolerance 0: always run every epoch.
    // The tutorial's plain loop: raw features and the last iterate (MlNetGd otherwise standardizes internally and averages).
    var settings = new GradientDescentSettings
    {
        LearningRate = rate, BatchSize = 3, NumberOfEpochs = Epochs, Tolerance = 0, StandardizeFeatures = false, Averaged = false,
    };
    try
    {
        TrainingHistory history = new GradientDescentLoop(settings).Run(data, model);
        Console.WriteLine($"{rate,8} | {history.FinalCost,12:G4} | {model.Weights[0],8:F4} | {model.Bias,8:F4} | {model.Predict([4f]):F4}");
    }
    catch (TrainingDivergedException e)
    {
        // The core stops as soon as the cost explodes, restores the model, and says what to do.
        Console.WriteLine($"{rate,8} | {"diverged",12} | in epoch {e.Epoch}");
        firstDivergence ??= e;
    }
}

if (firstDivergence is not null)
{
    Console.WriteLine();
    Console.WriteLine($"Learning rate {firstDivergence.LearningRate} is too large for this data:");
    Console.WriteLine(firstDivergence.Message);
}

// Leave the rate unset and the core picks one from the curvature of the data. By default MlNetGd also standardizes the
// features internally (the model it returns still takes raw features), so that rate is for the standardized features.
var automatic = new LinearModel(featureCount: 1);
TrainingHistory auto = new GradientDescentLoop(new GradientDescentSettings { BatchSize = 3, NumberOfEpochs = Epochs, Tolerance = 0 }).Run(data, automatic);
Console.WriteLine();
Console.WriteLine($"Automatic learning rate (standardized features): {auto.LearningRate:G4} -> final cost {auto.FinalCost:G4}, prediction(4) {automatic.Predict([4f]):F4}");
