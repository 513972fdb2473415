using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Trainers;

namespace MlNetGd.Tests.Trainers;

/// <summary>Issue 20: what <see cref="LinearModelFactory"/> relies on in ML.NET, checked one fact at a time, so that an ML.NET upgrade that
/// breaks the route fails here with a message naming what changed, instead of as wrong weights somewhere else.</summary>
/// <remarks>The route: ML.NET has no public constructor for its linear model or its prediction transformer, so the factory makes
/// OnlineGradientDescent build them, replaying three rows under <see cref="LinearModelFactory.ReplayOptions"/>.</remarks>
[TestClass]
public sealed class LinearModelFactoryContractTests
{
    private const string Route = "LinearModelFactory (src/Trainers/LinearModelFactory.cs) builds ML.NET's model by replaying OnlineGradientDescent; ";

    private sealed class Row
    {
        public float Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private static RegressionPredictionTransformer<LinearRegressionModelParameters> Replay(MLContext ml, params Row[] rows) =>
        ml.Regression.Trainers.OnlineGradientDescent(LinearModelFactory.ReplayOptions("Label", "Features")).Fit(ml.Data.LoadFromEnumerable(rows));

    [TestMethod]
    public void OneRowAddsExactlyLabelTimesTheRowToTheWeightsAndTheLabelToTheBias()
    {
        var model = Replay(new MLContext(1), new Row { Label = 0.75f, Features = [3f, -5f] }).Model;

        CollectionAssert.AreEqual(new[] { 2.25f, -3.75f }, model.Weights.ToArray(),
            Route + "OnlineGradientDescent no longer updates w += −η·loss′(output, label)·x for a row, with η = LearningRate (1) and the " +
            "caller's IRegressionLoss (ReplayLoss: loss′ = −label), starting from zero weights (InitialWeightsDiameter = 0).");
        Assert.AreEqual(0.75f, model.Bias, Route + "OnlineGradientDescent no longer updates the bias b += −η·loss′(output, label).");
    }

    [TestMethod]
    public void RowsAccumulateWithoutAveragingDecayOrShrinking()
    {
        var model = Replay(new MLContext(1),
            new Row { Label = 1f, Features = [3f, 5f] },
            new Row { Label = 2f, Features = [1f, -1f] },
            new Row { Label = -0.5f, Features = [0f, 0f] }).Model;

        CollectionAssert.AreEqual(new[] { 5f, 3f }, model.Weights.ToArray(),
            Route + "the updates of successive rows no longer add up exactly: Averaged = false, DecreaseLearningRate = false or " +
            "L2Regularization = 0 is no longer honoured, or the pass does not visit every row once (NumberOfIterations = 1).");
        Assert.AreEqual(2.5f, model.Bias, Route + "the bias updates of successive rows no longer add up exactly.");
    }

    [TestMethod]
    public void TheReplayedModelScoresSavesAndLoadsAsMlNetsOwnLinearModel()
    {
        var ml = new MLContext(1);
        var transformer = Replay(ml, new Row { Label = 1f, Features = [2f, -1f] }, new Row { Label = 0.5f, Features = [0f, 0f] });
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Label = 0f, Features = [1f, 3f] } });

        float score = transformer.Transform(data).GetColumn<float>("Score").Single();
        Assert.AreEqual(2f * 1f - 1f * 3f + 1.5f, score, Route + "its model no longer scores w·x + b into the Score column.");

        using var stream = new MemoryStream();
        ml.Model.Save(transformer, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(2).Model.Load(stream, out _);
        var parameters = (loaded as RegressionPredictionTransformer<LinearRegressionModelParameters>)?.Model;
        Assert.IsNotNull(parameters, Route + $"a saved replayed model loads as {loaded.GetType().Name}, not as RegressionPredictionTransformer<LinearRegressionModelParameters>.");
        CollectionAssert.AreEqual(new[] { 2f, -1f }, parameters.Weights.ToArray(), Route + "the weights change through Save and Load.");
    }

    [TestMethod]
    public void MlNetStillOffersNoPublicConstructorForTheModelOrItsTransformer()
    {
        // A tripwire for the upgrade review: if ML.NET opens either constructor, build the model with it and drop the replay.
        foreach (Type type in new[] { typeof(LinearRegressionModelParameters), typeof(RegressionPredictionTransformer<LinearRegressionModelParameters>) })
        {
            ConstructorInfo[] open = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
            Assert.IsEmpty(open, $"ML.NET {typeof(MLContext).Assembly.GetName().Version} now has a public constructor for {type.Name} " +
                $"({string.Join("; ", open.Select(c => c.ToString()))}): LinearModelFactory can build the model with it instead of replaying OnlineGradientDescent.");
        }
    }
}
