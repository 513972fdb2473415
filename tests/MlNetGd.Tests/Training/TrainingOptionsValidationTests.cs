using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Training;

/// <summary>Every new training option is checked when the trainer is built, naming the option and its allowed range.</summary>
[TestClass]
public sealed class TrainingOptionsValidationTests
{
    [TestMethod]
    [DataRow(nameof(GradientDescentSettings.Optimizer), 99)]
    [DataRow(nameof(GradientDescentSettings.Momentum), -0.1)]
    [DataRow(nameof(GradientDescentSettings.Momentum), 1.0)]
    [DataRow(nameof(GradientDescentSettings.L2Regularization), -1.0)]
    [DataRow(nameof(GradientDescentSettings.L2Regularization), double.PositiveInfinity)]
    [DataRow(nameof(GradientDescentSettings.L1Regularization), double.NaN)]
    [DataRow(nameof(GradientDescentSettings.Schedule), -1)]
    [DataRow(nameof(GradientDescentSettings.DecayFactor), 0.0)]
    [DataRow(nameof(GradientDescentSettings.DecayFactor), 1.0)]
    [DataRow(nameof(GradientDescentSettings.DecayEpochs), 0)]
    [DataRow(nameof(GradientDescentSettings.DecayPower), 0.0)]
    [DataRow(nameof(GradientDescentSettings.DecayPower), 1.5)]
    [DataRow(nameof(GradientDescentSettings.PlateauPatience), 0)]
    [DataRow(nameof(GradientDescentSettings.ValidationFraction), -0.1)]
    [DataRow(nameof(GradientDescentSettings.ValidationFraction), 0.6)]
    [DataRow(nameof(GradientDescentSettings.EarlyStoppingPatience), 0)]
    [DataRow(nameof(GradientDescentSettings.OnDivergence), 7)]
    public void OutOfRangeOptionIsNamedWithItsRange(string option, double value)
    {
        var options = new GradientDescentRegressionTrainer.Options();
        var property = typeof(GradientDescentSettings).GetProperty(option)!;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        object boxed = type.IsEnum ? Enum.ToObject(type, (int)value) : Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
        property.SetValue(options, boxed);

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradientDescentRegressionTrainer(options));
        Assert.AreEqual(option, ex.ParamName);
        StringAssert.Contains(ex.Message, "must ");
    }

    [TestMethod]
    [DataRow(OptimizerKind.Momentum)]
    [DataRow(OptimizerKind.Nesterov)]
    public void MomentumOptimizerWithZeroMomentumNamesBothOptions(OptimizerKind kind)
    {
        var options = new GradientDescentRegressionTrainer.Options { Optimizer = kind, Momentum = 0 };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
        StringAssert.Contains(ex.Message, "Optimizer");
        StringAssert.Contains(ex.Message, "Momentum");
    }

    [TestMethod]
    public void ValidationFractionThatLeavesNoTrainingRowsIsAClearError()
    {
        var data = DenseDataset.FromRows([[1f]], [1f]);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            new GradientDescentLoop(new GradientDescentSettings { ValidationFraction = 0.5 }).Run(data, new LinearModel(1)));
        StringAssert.Contains(ex.Message, "ValidationFraction");
    }

    [TestMethod]
    public void GivenOptimizerWithL2RegularizationNamesBoth()
    {
        var data = DenseDataset.FromRows([[1f], [2f]], [1f, 2f]);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            new GradientDescentLoop(new GradientDescentSettings { L2Regularization = 0.1f }).Run(data, new LinearModel(1), new Sgd(0.1f)));
        Assert.AreEqual("optimizer", ex.ParamName);
        StringAssert.Contains(ex.Message, "L2Regularization");
    }

    [TestMethod]
    public void DefaultsAreValidAndDocumented()
    {
        var settings = new GradientDescentSettings();
        settings.Validate();
        Assert.IsNull(settings.LearningRate);
        Assert.IsTrue(settings.StandardizeFeatures);
        Assert.IsTrue(settings.Averaged);
        Assert.AreEqual(OptimizerKind.Sgd, settings.Optimizer);
        Assert.AreEqual(DivergenceAction.Throw, settings.OnDivergence);
    }
}
