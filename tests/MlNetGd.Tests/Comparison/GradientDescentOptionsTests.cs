using System.Reflection;
using MlNetGd.Comparison;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Comparison;

/// <summary>Every GradientDescent setting a user gives the comparison reaches the trainer.</summary>
[TestClass]
public sealed class GradientDescentOptionsTests
{
    /// <summary>The settings the comparison sets itself, from its own options.</summary>
    private static readonly string[] OwnedByTheComparison = ["LabelColumnName", "FeatureColumnName", "Seed", "CancellationToken"];

    [TestMethod]
    public void EverySettingIsCopied()
    {
        var given = new GradientDescentRegressionTrainer.Options();
        var settable = typeof(GradientDescentRegressionTrainer.Options).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetSetMethod() is not null && !OwnedByTheComparison.Contains(p.Name)).ToList();
        foreach (var property in settable)
            property.SetValue(given, Different(property.PropertyType, property.GetValue(given)));

        var used = TrainerRun.GradientDescentOptions(new ComparisonOptions { GradientDescent = given, LabelColumnName = "L", Seed = 9 });

        Assert.IsTrue(settable.Count >= 20, $"only {settable.Count} settings found");
        foreach (var property in settable)
            Assert.AreEqual(property.GetValue(given), property.GetValue(used), $"{property.Name} was not passed on");
        Assert.AreEqual("L", used.LabelColumnName);
        Assert.AreEqual(9, used.Seed);
        Assert.AreNotSame(given, used, "the user's object is not changed");
    }

    [TestMethod]
    public void TheReportListsEverySetting()
    {
        var result = TrainerComparison.Run(ComparisonData.Linear(new Microsoft.ML.MLContext(1), 200), new ComparisonOptions
        {
            LabelColumnName = "Label",
            Plan = EvaluationPlan.TestSplit(0.25),
            TimingRepeats = 1,
            Trainers = [ComparisonTrainer.GradientDescent],
            GradientDescent = new GradientDescentRegressionTrainer.Options { Optimizer = OptimizerKind.Adam, L1Regularization = 0.001f },
        });
        Assert.AreEqual("Adam", result.GradientDescentOptions["Optimizer"]);
        Assert.AreEqual("0.001", result.GradientDescentOptions["L1Regularization"]);
        Assert.AreEqual("automatic", result.GradientDescentOptions["LearningRate"]);
    }

    private static object? Different(Type type, object? current)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner == typeof(bool))
            return !(bool)(current ?? false);
        if (inner == typeof(int))
            return (int)(current ?? 0) + 3;
        if (inner == typeof(float))
            return (float)(current ?? 0f) + 0.125f;
        if (inner == typeof(double))
            return (double)(current ?? 0d) + 0.125;
        if (inner.IsEnum)
        {
            var values = Enum.GetValues(inner);
            return values.GetValue((Array.IndexOf(values, current ?? values.GetValue(0)!) + 1) % values.Length);
        }
        if (inner == typeof(string))
            return (current as string ?? "") + "-other";
        if (inner == typeof(Action<EpochRecord>))
            return new Action<EpochRecord>(_ => { });
        throw new AssertFailedException($"No different value for a setting of type {type}; teach the test this type.");
    }
}
