using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Reliability;

/// <summary>Every option out of range, through the Options constructor, both catalog methods and the core loop.</summary>
[TestClass]
public sealed class OptionValidationTests
{
    /// <summary>Sets one option to an invalid value. Values come as doubles so one DataRow can carry NaN and ∞.</summary>
    private static T Apply<T>(T options, string option, double value)
        where T : GradientDescentSettings => option switch
        {
            nameof(GradientDescentSettings.LearningRate) => options with { LearningRate = (float)value },
            nameof(GradientDescentSettings.BatchSize) => options with { BatchSize = (int)value },
            nameof(GradientDescentSettings.NumberOfEpochs) => options with { NumberOfEpochs = (int)value },
            nameof(GradientDescentSettings.Tolerance) => options with { Tolerance = value },
            _ => throw new ArgumentException(option),
        };

    [TestMethod]
    [DataRow("LearningRate", 0.0, "greater than 0")]
    [DataRow("LearningRate", -0.1, "greater than 0")]
    [DataRow("LearningRate", double.NaN, "finite number")]
    [DataRow("LearningRate", double.PositiveInfinity, "finite number")]
    [DataRow("LearningRate", double.NegativeInfinity, "greater than 0")]
    [DataRow("BatchSize", 0.0, "at least 1")]
    [DataRow("BatchSize", -5.0, "at least 1")]
    [DataRow("NumberOfEpochs", 0.0, "at least 1")]
    [DataRow("NumberOfEpochs", -1.0, "at least 1")]
    [DataRow("Tolerance", -1e-6, ">= 0")]
    [DataRow("Tolerance", double.NaN, ">= 0")]
    [DataRow("Tolerance", double.PositiveInfinity, "finite number")]
    public void OutOfRangeOptionIsRejectedEverywhereWithItsNameAndRange(string option, double value, string range)
    {
        var options = Apply(new GradientDescentRegressionTrainer.Options(), option, value);
        AssertRejected(() => new GradientDescentRegressionTrainer(options), option, range);
        AssertRejected(() => new MLContext().Regression.Trainers.GradientDescent(options), option, range);

        var settings = Apply(new GradientDescentSettings(), option, value);
        AssertRejected(() => new GradientDescentLoop(settings), option, range);
    }

    [TestMethod]
    [DataRow("LearningRate", 0.0)]
    [DataRow("LearningRate", -1.0)]
    [DataRow("LearningRate", double.NaN)]
    [DataRow("LearningRate", double.PositiveInfinity)]
    [DataRow("BatchSize", 0.0)]
    [DataRow("NumberOfEpochs", 0.0)]
    public void OutOfRangeArgumentOfThePlainCatalogMethodIsRejected(string option, double value)
    {
        var catalog = new MLContext().Regression.Trainers;
        Action create = option switch
        {
            "LearningRate" => () => catalog.GradientDescent(learningRate: (float)value),
            "BatchSize" => () => catalog.GradientDescent(batchSize: (int)value),
            _ => () => catalog.GradientDescent(numberOfEpochs: (int)value),
        };
        AssertRejected(create, option, "must be");
    }

    [TestMethod]
    [DataRow("NumberOfEpochs")]
    [DataRow("BatchSize")]
    public void LargestValidValueWorks(string option)
    {
        // int.MaxValue epochs used to reserve a history list of that capacity (OutOfMemoryException).
        var options = option == "NumberOfEpochs"
            ? new GradientDescentRegressionTrainer.Options { NumberOfEpochs = int.MaxValue }
            : new GradientDescentRegressionTrainer.Options { BatchSize = int.MaxValue };
        var trainer = new GradientDescentRegressionTrainer(options);
        trainer.Fit(ReliabilityData.LinearView(new MLContext(1), 100, 2));
        Assert.AreEqual(StopReason.Converged, trainer.LastHistory!.StopReason);
    }

    [TestMethod]
    [DataRow("LabelColumnName", "")]
    [DataRow("LabelColumnName", " ")]
    [DataRow("LabelColumnName", null)]
    [DataRow("FeatureColumnName", "")]
    [DataRow("FeatureColumnName", null)]
    public void EmptyColumnNameIsRejected(string option, string? value)
    {
        var options = option == "LabelColumnName"
            ? new GradientDescentRegressionTrainer.Options { LabelColumnName = value! }
            : new GradientDescentRegressionTrainer.Options { FeatureColumnName = value! };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
        Assert.AreEqual(option, e.ParamName);
        Assert.Contains(option, e.Message);

        var catalog = new MLContext().Regression.Trainers;
        var plain = Assert.ThrowsExactly<ArgumentException>(() => option == "LabelColumnName"
            ? catalog.GradientDescent(labelColumnName: value!)
            : catalog.GradientDescent(featureColumnName: value!));
        Assert.AreEqual(option, plain.ParamName);
    }

    [TestMethod]
    public void SameColumnForLabelAndFeaturesIsRejectedNamingBoth()
    {
        var options = new GradientDescentRegressionTrainer.Options { LabelColumnName = "X", FeatureColumnName = "X" };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
        StringAssert.Contains(e.Message, "LabelColumnName");
        StringAssert.Contains(e.Message, "FeatureColumnName");
        StringAssert.Contains(e.Message, "'X'");
    }

    [TestMethod]
    public void EarlyStoppingFromACacheFileIsRejectedNamingBothOptions()
    {
        foreach (var options in new[]
        {
            new GradientDescentRegressionTrainer.Options { ValidationFraction = 0.2, RowSource = RowSource.CacheFile },
            new GradientDescentRegressionTrainer.Options { ValidationFraction = 0.2, CacheFilePath = "rows.cache" },
        })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
            Assert.AreEqual("ValidationFraction", e.ParamName);
            StringAssert.Contains(e.Message, "cache file");
        }
    }

    [TestMethod]
    public void ACacheFilePathWithACopyOrInPlaceIsRejectedNamingBothOptions()
    {
        foreach (var source in new[] { RowSource.Copy, RowSource.InPlace })
        {
            var options = new GradientDescentRegressionTrainer.Options { RowSource = source, CacheFilePath = "rows.cache" };
            var e = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
            Assert.AreEqual("CacheFilePath", e.ParamName);
            StringAssert.Contains(e.Message, $"RowSource = {source}");
        }
    }

    [TestMethod]
    public void AnUndefinedRowSourceIsRejectedWithTheAllowedValues()
    {
        var options = new GradientDescentRegressionTrainer.Options { RowSource = (RowSource)42 };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradientDescentRegressionTrainer(options));
        Assert.AreEqual("RowSource", e.ParamName);
        StringAssert.Contains(e.Message, "Auto, Copy, InPlace, CacheFile");
    }

    [TestMethod]
    public void NullOptionsAndCatalogAreRejected()
    {
        Assert.AreEqual("options", Assert.ThrowsExactly<ArgumentNullException>(() => new GradientDescentRegressionTrainer(null!)).ParamName);
        Assert.AreEqual("options", Assert.ThrowsExactly<ArgumentNullException>(
            () => new MLContext().Regression.Trainers.GradientDescent((GradientDescentRegressionTrainer.Options)null!)).ParamName);
        Assert.AreEqual("catalog", Assert.ThrowsExactly<ArgumentNullException>(
            () => RegressionCatalogExtensions.GradientDescent(null!)).ParamName);
    }

    private static void AssertRejected(Action action, string option, string range)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(action);
        Assert.AreEqual(option, e.ParamName);
        Assert.Contains(range, e.Message);
        Assert.Contains(option, e.Message);
    }
}
