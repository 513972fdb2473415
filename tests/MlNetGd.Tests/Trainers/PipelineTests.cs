using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Trainers;
using MlNetGd.Comparison;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Trainers;

/// <summary>The trainer inside an ML.NET pipeline: accuracy against the exact optimum and SDCA, and the ML.NET workout.</summary>
[TestClass]
public sealed class PipelineTests
{
    private const int FeatureCount = 6;

    /// <summary>Generated rows with raw columns F0..F5 (scales differ) and a Label, as a user's table would look.</summary>
    internal sealed class RawRow
    {
        public float Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Raw { get; set; } = [];
    }

    internal static (IDataView Train, IDataView Test, MLContext Ml) GeneratedSplit(int rows = 4000, int seed = 11)
    {
        var ml = new MLContext(seed);
        float[] scales = [1f, 3f, 0.5f, 10f, 2f, 0.1f];
        var generated = Data.SyntheticRegression.Generate(rows, FeatureCount, seed, noise: 0.5f, featureScales: scales);
        var table = Enumerable.Range(0, rows).Select(i => new RawRow
        {
            Label = generated.Labels[i],
            Raw = generated.Features.AsSpan(i * FeatureCount, FeatureCount).ToArray(),
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(table);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: seed);
        return (split.TrainSet, split.TestSet, ml);
    }

    /// <summary>Concatenate → NormalizeMeanVariance → trainer, the pipeline the README shows.</summary>
    internal static IEstimator<ITransformer> Pipeline(MLContext ml, IEstimator<ITransformer> trainer) =>
        ml.Transforms.Concatenate("Features", "Raw").Append(ml.Transforms.NormalizeMeanVariance("Features")).Append(trainer);

    /// <summary>The data with the Features column built, as the trainer sees it after Concatenate.</summary>
    internal static IDataView Featurize(MLContext ml, IDataView data) =>
        ml.Transforms.Concatenate("Features", "Raw").Fit(data).Transform(data);

    [TestMethod]
    public void PipelineReachesTheLeastSquaresOptimumAndBeatsOrMatchesSdca()
    {
        var (train, test, ml) = GeneratedSplit();
        var ours = Pipeline(ml, ml.Regression.Trainers.GradientDescent()).Fit(train);
        var sdca = Pipeline(ml, ml.Regression.Trainers.Sdca()).Fit(train);

        double oursRmse = ml.Regression.Evaluate(ours.Transform(test)).RootMeanSquaredError;
        double sdcaRmse = ml.Regression.Evaluate(sdca.Transform(test)).RootMeanSquaredError;
        double optimumRmse = Math.Sqrt(OptimumTestMse(train, test));

        Assert.IsTrue(oursRmse <= optimumRmse * 1.01, $"ours {oursRmse} vs optimum {optimumRmse}");
        Assert.IsTrue(oursRmse <= sdcaRmse * (1 + 1e-6), $"ours {oursRmse} vs SDCA {sdcaRmse}");
    }

    /// <summary>The test MSE of the exact least-squares fit on the training split.</summary>
    internal static double OptimumTestMse(IDataView train, IDataView test)
    {
        var ml = new MLContext();
        var trainSet = DataViewReader.Read(Featurize(ml, train), "Label", "Features");
        var testSet = DataViewReader.Read(Featurize(ml, test), "Label", "Features");
        var (weights, bias, reason) = LeastSquaresSolver.Solve(trainSet);
        Assert.IsNotNull(weights, reason);
        return LeastSquaresSolver.MeanSquaredError(testSet, weights, bias);
    }

    [TestMethod]
    public void SaveAndLoadGiveIdenticalScores()
    {
        var (train, test, ml) = GeneratedSplit(1000);
        var model = Pipeline(ml, ml.Regression.Trainers.GradientDescent()).Fit(train);
        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);

        float[] before = Scores(model.Transform(test));
        float[] after = Scores(loaded.Transform(test));
        CollectionAssert.AreEqual(before, after);
    }

    [TestMethod]
    public void OnnxExportScoresLikeMlNet()
    {
        var (train, test, ml) = GeneratedSplit(1000);
        var model = Pipeline(ml, ml.Regression.Trainers.GradientDescent()).Fit(train);
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, train, onnx);

        float[] expected = Scores(model.Transform(test));
        var rows = ml.Data.CreateEnumerable<RawRow>(test, reuseRowObject: false).ToArray();
        using var session = new InferenceSession(onnx.ToArray());
        string featureInput = session.InputMetadata.Keys.Single(k => k == "Raw");
        var input = new DenseTensor<float>(rows.SelectMany(r => r.Raw).ToArray(), [rows.Length, FeatureCount]);
        var inputs = session.InputMetadata.Keys.Select(name => name == featureInput
            ? NamedOnnxValue.CreateFromTensor(name, input)
            : NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(new float[rows.Length * Dims(session, name)], [rows.Length, Dims(session, name)])));
        using var results = session.Run(inputs.ToList());
        float[] actual = results.Single(r => r.Name.StartsWith("Score", StringComparison.Ordinal)).AsEnumerable<float>().ToArray();

        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5f, $"row {i}");
    }

    private static int Dims(InferenceSession session, string name) => Math.Max(1, session.InputMetadata[name].Dimensions[^1]);

    internal static float[] Scores(IDataView scored) => scored.GetColumn<float>("Score").ToArray();

    [TestMethod]
    public void CrossValidateAndPermutationFeatureImportanceRun()
    {
        var (train, _, ml) = GeneratedSplit(1000);
        var folds = ml.Regression.CrossValidate(train, Pipeline(ml, ml.Regression.Trainers.GradientDescent()), numberOfFolds: 3);
        Assert.AreEqual(3, folds.Count);
        Assert.IsTrue(folds.All(f => f.Metrics.RSquared > 0.9), string.Join(", ", folds.Select(f => f.Metrics.RSquared)));

        var featurizer = ml.Transforms.Concatenate("Features", "Raw").Append(ml.Transforms.NormalizeMeanVariance("Features")).Fit(train);
        var featurized = featurizer.Transform(train);
        var predictor = ml.Regression.Trainers.GradientDescent().Fit(featurized);
        var importance = ml.Regression.PermutationFeatureImportance(predictor, featurized, permutationCount: 1);
        Assert.AreEqual(FeatureCount, importance.Length);
        // Feature 3 has the largest raw effect (weight x scale); permuting it must hurt RMSE.
        Assert.IsTrue(importance.Max(i => i.RootMeanSquaredError.Mean) > 0);
    }

    [TestMethod]
    public void TheModelIsMlNetsOwnLinearRegressionModel()
    {
        var (train, _, ml) = GeneratedSplit(500);
        var predictor = ml.Regression.Trainers.GradientDescent().Fit(Featurize(ml, train));
        Assert.IsInstanceOfType<RegressionPredictionTransformer<LinearRegressionModelParameters>>(predictor);
        Assert.AreEqual(FeatureCount, predictor.Model.Weights.Count);
    }
}
