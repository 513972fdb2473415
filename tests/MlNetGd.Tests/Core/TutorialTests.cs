using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Core;

/// <summary>The PyTorch tutorial's hours → score regression, done with the core the PyTorch way.</summary>
[TestClass]
public sealed class TutorialTests
{
    private static DenseDataset Tutorial() => DenseDataset.FromRows([[1f], [2f], [3f]], [2f, 4f, 6f]);

    [TestMethod]
    public void FirstStepMatchesHandComputedGradient()
    {
        // cost = mean((W x + b - y)^2) at W = b = 0 is (4 + 16 + 36) / 3; dW = (2/3) Σ (0 - y) x = -56/3, db = (2/3) Σ (0 - y) = -8.
        var data = Tutorial();
        var model = new LinearModel(featureCount: 1);
        var gradient = new float[model.Parameters.Length];
        var optimizer = new Sgd(learningRate: 0.01f);

        double cost = MseLoss.Gradient(model, data, gradient);
        optimizer.Step(model.Parameters, gradient);

        Assert.AreEqual(56.0 / 3.0, cost, 1e-5);
        Assert.AreEqual(-56f / 3f, gradient[0], 1e-5f);
        Assert.AreEqual(-8f, gradient[1], 1e-5f);
        Assert.AreEqual(0.186667f, model.Weights[0], 1e-6f);
        Assert.AreEqual(0.08f, model.Bias, 1e-6f);
    }

    [TestMethod]
    public void TrainingReachesTheLineAndPredictsFourHours()
    {
        var model = new LinearModel(1);
        // The tutorial's plain loop: raw features, the last iterate (no internal standardization, no averaging).
        var settings = new GradientDescentSettings
        {
            LearningRate = 0.01f, BatchSize = 3, NumberOfEpochs = 10_000, Tolerance = 0, StandardizeFeatures = false, Averaged = false,
        };

        var history = new GradientDescentLoop(settings).Run(Tutorial(), model);

        Assert.AreEqual(2f, model.Weights[0], 1e-3f);
        Assert.AreEqual(0f, model.Bias, 1e-3f);
        Assert.AreEqual(8f, model.Predict([4f]), 0.01f);
        Assert.AreEqual(10_000, history.EpochCount);
        Assert.AreEqual(56.0 / 3.0, history.Epochs[0].TrainingCost, 1e-5, "full batch: epoch 1 records the cost before its step");
        Assert.IsFalse(history.LearningRateWasAutomatic);
    }

    [TestMethod]
    public void AutomaticLearningRateAlsoSolvesTheTutorial()
    {
        var model = new LinearModel(1);
        var history = new GradientDescentLoop(new GradientDescentSettings { NumberOfEpochs = 5000, Tolerance = 0 }).Run(Tutorial(), model);

        Assert.IsTrue(history.LearningRateWasAutomatic);
        Assert.AreEqual(8f, model.Predict([4f]), 0.01f);
    }
}
