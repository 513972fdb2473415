using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Reports;

namespace MlNetGd.Tests.Comparison;

/// <summary>Issue 20: results.json holds numbers or null, never "NaN"; an undefined figure has its reason beside it.</summary>
[TestClass]
public sealed class ResultsJsonTests
{
    private static ComparisonResult Compare(IDataView data, params ComparisonTrainer[] trainers) => TrainerComparison.Run(data, new ComparisonOptions
    {
        Plan = EvaluationPlan.CrossValidation(2),
        Seed = 1,
        TimingRepeats = 1,
        Trainers = trainers,
    });

    [TestMethod]
    public void AConstantLabelWritesNullGapsAndRSquaredWithTheReasonBesideThem()
    {
        var result = Compare(ComparisonData.ConstantLabel(new MLContext(1), 5f), ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca);
        using var dir = new TempDirectory();
        ReportWriter.Write(result, dir.File("r"));
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.File("r"), "results.json")));

        AssertNoNamedFloatingPointLiteral(json.RootElement);
        foreach (var trainer in json.RootElement.GetProperty("trainers").EnumerateArray())
        {
            string name = trainer.GetProperty("name").GetString()!;
            Assert.AreEqual(JsonValueKind.Null, trainer.GetProperty("gapToOptimum").ValueKind, name);
            StringAssert.Contains(trainer.GetProperty("gapToOptimumNote").GetString(), "Every label is 5: the data has no variance to explain", name);
            Assert.AreEqual(JsonValueKind.Null, trainer.GetProperty("rSquared").GetProperty("mean").ValueKind, name);
            StringAssert.Contains(trainer.GetProperty("metricsNote").GetString(), "R² is undefined in every fold", name);
            Assert.AreEqual(JsonValueKind.Number, trainer.GetProperty("rmse").GetProperty("mean").ValueKind, name + ": the RMSE is still a number");
            foreach (var fold in trainer.GetProperty("folds").EnumerateArray())
                Assert.AreEqual(JsonValueKind.Null, fold.GetProperty("rSquared").ValueKind, name);
        }
        var optimum = json.RootElement.GetProperty("optimum");
        Assert.AreEqual(JsonValueKind.Null, optimum.GetProperty("rSquared").GetProperty("mean").ValueKind);
        StringAssert.Contains(optimum.GetProperty("metricsNote").GetString(), "R² is undefined");
    }

    [TestMethod]
    public void ADefinedGapHasNoNote()
    {
        var result = Compare(ComparisonData.Linear(new MLContext(1), 400), ComparisonTrainer.GradientDescent);
        var gd = result.Trainers.Single();

        Assert.IsTrue(double.IsFinite(gd.GapToOptimum));
        Assert.IsNull(gd.GapToOptimumNote);
        Assert.IsNull(gd.MetricsNote);
        Assert.IsNull(result.Optimum.MetricsNote);
    }

    /// <summary>Every double and float of the result, at any depth (metric summaries, folds, cost curves, predictions), is written as
    /// null when it is NaN or ±∞ and as the same number otherwise.</summary>
    [TestMethod]
    public void EveryNonFiniteNumberAnywhereInTheResultIsWrittenAsNull()
    {
        double[] odd = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        var result = new ComparisonResult
        {
            LabelMean = double.NaN,
            LabelStandardDeviation = double.PositiveInfinity,
            ElapsedSeconds = 1.5,
            Optimum = new OptimumResult { Rmse = new(double.NaN, 2), Mae = new(3, double.NegativeInfinity), RSquared = new(0.5, double.NaN), TrainingMse = odd, TestMse = [1, double.NaN] },
            Trainers =
            [
                new TrainerResult
                {
                    Name = "gd",
                    Rmse = new(double.NaN, double.NaN),
                    Mae = new(1, 0),
                    RSquared = new(double.NegativeInfinity, double.NaN),
                    FitSeconds = double.NaN,
                    ScoringRowsPerSecond = double.PositiveInfinity,
                    GapToOptimum = double.NaN,
                    Folds = [new FoldMetrics { Rmse = double.NaN, Mae = double.PositiveInfinity, RSquared = -0.25, FitSeconds = double.NaN, FitSecondsRepeats = odd, ScoringRowsPerSecond = double.NaN }],
                    Actual = [1f, float.NaN],
                    Predicted = [float.PositiveInfinity, 2.5f, float.NegativeInfinity],
                    CostCurves = [new EpochCurve { TrainingCost = [4, double.NaN], ValidationCost = odd, LearningRate = double.NaN, OptimumTrainingMse = double.NaN, OptimumValidationMse = 0.125 }],
                },
            ],
        };

        string text = JsonSerializer.Serialize(result, ReportWriter.JsonOptions);
        using var json = JsonDocument.Parse(text);

        AssertNoNamedFloatingPointLiteral(json.RootElement);
        int nonFinite = CompareNumbers(result, json.RootElement, "$");
        Assert.AreEqual(32, nonFinite, "every non-finite value set above was checked:\n" + text);
    }

    [TestMethod]
    public void NullIsReadBackAsNaN()
    {
        double[] doubles = JsonSerializer.Deserialize<double[]>("[null, 1.5, -2]", ReportWriter.JsonOptions)!;
        float[] floats = JsonSerializer.Deserialize<float[]>("[0.25, null]", ReportWriter.JsonOptions)!;

        CollectionAssert.AreEqual(new[] { double.NaN, 1.5, -2 }, doubles);
        CollectionAssert.AreEqual(new[] { 0.25f, float.NaN }, floats);
    }

    private static void AssertNoNamedFloatingPointLiteral(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Assert.IsFalse(element.GetString() is "NaN" or "Infinity" or "-Infinity", $"a number written as text: {element}");
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    AssertNoNamedFloatingPointLiteral(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    AssertNoNamedFloatingPointLiteral(property.Value);
                break;
        }
    }

    /// <summary>Walks the object and its JSON together: every double and float is null in the JSON when it is not finite and the same
    /// number when it is. Returns how many non-finite values it met.</summary>
    private static int CompareNumbers(object? value, JsonElement json, string path)
    {
        switch (value)
        {
            case null or string or bool or Enum:
                return 0;
            case double or float:
                double number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                if (double.IsFinite(number))
                {
                    Assert.AreEqual(JsonValueKind.Number, json.ValueKind, path);
                    Assert.AreEqual(number, value is float ? json.GetSingle() : json.GetDouble(), path);
                    return 0;
                }
                Assert.AreEqual(JsonValueKind.Null, json.ValueKind, $"{path} = {number}");
                return 1;
            case IEnumerable items when value is not IDictionary:
                var elements = json.EnumerateArray().ToList();
                int i = 0, count = 0;
                foreach (object? item in items)
                {
                    count += CompareNumbers(item, elements[i], $"{path}[{i}]");
                    i++;
                }
                Assert.AreEqual(elements.Count, i, path);
                return count;
        }
        if (value.GetType().Namespace?.StartsWith("MlNetGd", StringComparison.Ordinal) != true)
            return 0;
        int found = 0;
        foreach (PropertyInfo property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            string name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            Assert.IsTrue(json.TryGetProperty(name, out var child), $"{path}.{name} is missing");
            found += CompareNumbers(property.GetValue(value), child, $"{path}.{name}");
        }
        return found;
    }
}
