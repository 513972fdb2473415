using Microsoft.ML;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 14: <c>predict</c> scores regression models only, and says what any other model is.</summary>
[TestClass]
public sealed class PredictModelKindTests
{
    private sealed class Features
    {
        public float x1 { get; set; }
        public float x2 { get; set; }
        public float x3 { get; set; }
        public float x4 { get; set; }
    }

    private sealed class Labelled
    {
        public float x1 { get; set; }
        public float x2 { get; set; }
        public float x3 { get; set; }
        public float x4 { get; set; }
        public bool Label { get; set; }
    }

    private static (MLContext Ml, IDataView Data, DataViewSchema Schema) Data()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 200).Select(i => new Labelled { x1 = i % 7, x2 = i % 5, x3 = i % 3, x4 = i % 11, Label = i % 7 > 3 }).ToArray();
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<Features>()).Schema;
        return (ml, ml.Data.LoadFromEnumerable(rows), schema);
    }

    private static IEstimator<ITransformer> Featurizer(MLContext ml) =>
        ml.Transforms.Concatenate("Features", "x1", "x2", "x3", "x4").Append(ml.Transforms.NormalizeMeanVariance("Features"));

    [TestMethod]
    public void ABinaryClassificationModelIsRefusedNamingWhatItIs()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(50));
        var (ml, data, schema) = Data();
        var model = Featurizer(ml).Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(data);
        ModelFiles.Save(ml, model, schema, dir.File("binary.zip"));

        var (code, output, error) = Run("predict", "--model", dir.File("binary.zip"), "--data", dir.File("data.csv"));

        Assert.AreEqual(1, code, output);
        StringAssert.Contains(error, "binary.zip' does not predict a regression score: it ends in BinaryPredictionTransformer<");
        StringAssert.Contains(error, "(a binary-classification predictor)");
        Assert.AreEqual("", output, "no logit is written as a Score");
    }

    [TestMethod]
    public void ATransformOnlyModelIsRefusedNamingWhatItIs()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(50));
        var (ml, data, schema) = Data();
        ModelFiles.Save(ml, Featurizer(ml).Fit(data), schema, dir.File("transforms.zip"));

        var (code, _, error) = Run("predict", "--model", dir.File("transforms.zip"), "--data", dir.File("data.csv"));

        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "it ends in NormalizingTransformer (a data transform, with no predictor after it)");
        Assert.IsFalse(error.Contains("Column 'Score' not found", StringComparison.Ordinal), error);
    }
}
