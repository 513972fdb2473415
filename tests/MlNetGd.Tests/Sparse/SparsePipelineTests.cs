using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Trainers;
using MlNetGd.Comparison;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Sparse;

/// <summary>Catalog pipelines with OneHotEncoding, OneHotHashEncoding and FeaturizeText: accuracy against the optimum and SDCA,
/// cached and streamed, and the ML.NET workout (save/load, ONNX).</summary>
[TestClass]
public sealed class SparsePipelineTests
{
    private static (IDataView Train, IDataView Test, MLContext Ml) Split(int rows = 6000)
    {
        var ml = new MLContext(3);
        var split = ml.Data.TrainTestSplit(SparseData.View(ml, SparseData.Table(rows, seed: 2)), testFraction: 0.25, seed: 3);
        return (split.TrainSet, split.TestSet, ml);
    }

    public static IEnumerable<object[]> Featurizations()
    {
        yield return ["one-hot"];
        yield return ["one-hot hash"];
        yield return ["text"];
    }

    private static IEstimator<ITransformer> Featurize(MLContext ml, string kind) => kind switch
    {
        "one-hot" => ml.Transforms.Categorical.OneHotEncoding([new("Shop"), new("City")])
            .Append(ml.Transforms.Concatenate("Features", "Shop", "City", "Amount")),
        "one-hot hash" => ml.Transforms.Categorical.OneHotHashEncoding([new("Shop"), new("City")], numberOfBits: 12)
            .Append(ml.Transforms.Concatenate("Features", "Shop", "City", "Amount")),
        "text" => ml.Transforms.Text.FeaturizeText("Words", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options
            {
                CharFeatureExtractor = null,
                WordFeatureExtractor = new Microsoft.ML.Transforms.Text.WordBagEstimator.Options { NgramLength = 1 },
                Norm = Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.NormFunction.None,
            }, "Text")
            .Append(ml.Transforms.Categorical.OneHotEncoding([new("Shop"), new("City")]))
            .Append(ml.Transforms.Concatenate("Features", "Words", "Shop", "City", "Amount")),
        _ => throw new ArgumentException(kind),
    };

    [TestMethod]
    [DynamicData(nameof(Featurizations))]
    public void DefaultFitReachesTheOptimumAndMatchesSdcaCachedAndStreamed(string kind)
    {
        var (train, test, ml) = Split();
        var featurizer = Featurize(ml, kind).Fit(train);
        var trainRows = featurizer.Transform(train);
        var testRows = featurizer.Transform(test);

        var optimum = LeastSquaresSolver.Optimum(DataViewReader.ReadRows(trainRows, "Label", "Features", false, out _));
        Assert.IsNotNull(optimum.Weights, optimum.Reason);
        var trainData = DataViewReader.ReadRows(trainRows, "Label", "Features", false, out _);
        Assert.IsTrue(trainData.IsSparse, $"{kind} features are read as CSR");
        double best = LeastSquaresSolver.MeanSquaredError(trainData, optimum.Weights, optimum.Bias);

        double sdca = ml.Regression.Evaluate(ml.Regression.Trainers.Sdca().Fit(trainRows).Transform(testRows)).RootMeanSquaredError;
        foreach (var source in new[] { RowSource.Copy, RowSource.CacheFile })
        {
            var trainer = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { RowSource = source });
            var model = trainer.Fit(trainRows);
            double trainMse = ml.Regression.Evaluate(model.Transform(trainRows)).MeanSquaredError;
            double rmse = ml.Regression.Evaluate(model.Transform(testRows)).RootMeanSquaredError;
            string what = $"{kind}, RowSource = {source}: train MSE {trainMse} vs optimum {best}; test RMSE {rmse} vs SDCA {sdca}";
            Assert.IsTrue(trainMse <= best * 1.005, what);
            Assert.IsTrue(rmse <= sdca * 1.02, what);
        }
    }

    [TestMethod]
    public void SaveLoadAndOnnxScoreLikeTheTrainedOneHotPipeline()
    {
        var (train, test, ml) = Split(3000);
        var model = Featurize(ml, "one-hot").Append(ml.Regression.Trainers.GradientDescent()).Fit(train);
        float[] expected = model.Transform(test).GetColumn<float>("Score").ToArray();

        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext().Model.Load(stream, out _);
        CollectionAssert.AreEqual(expected, loaded.Transform(test).GetColumn<float>("Score").ToArray());

        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, train, onnx);
        var rows = ml.Data.CreateEnumerable<SparseData.Row>(test, reuseRowObject: false).ToArray();
        using var session = new InferenceSession(onnx.ToArray());
        var inputs = new List<NamedOnnxValue>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            inputs.Add(name switch
            {
                "Shop" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(rows.Select(r => r.Shop).ToArray(), [rows.Length, 1])),
                "City" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(rows.Select(r => r.City).ToArray(), [rows.Length, 1])),
                "Text" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(rows.Select(r => r.Text).ToArray(), [rows.Length, 1])),
                "Amount" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(rows.Select(r => r.Amount).ToArray(), [rows.Length, 1])),
                _ => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(new float[rows.Length], [rows.Length, 1])),
            });
        }
        using var results = session.Run(inputs);
        float[] actual = results.First(r => r.Name.StartsWith("Score", StringComparison.Ordinal)).AsEnumerable<float>().ToArray();
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-3f * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
    }

    [TestMethod]
    public void TheModelIsMlNetsOwnLinearModelAndCrossValidationRuns()
    {
        var (train, _, ml) = Split(2000);
        var pipeline = Featurize(ml, "one-hot hash").Append(ml.Regression.Trainers.GradientDescent());
        var folds = ml.Regression.CrossValidate(train, pipeline, numberOfFolds: 3);
        Assert.IsTrue(folds.All(f => f.Metrics.RSquared > 0.8), string.Join(", ", folds.Select(f => f.Metrics.RSquared)));
        var predictor = ml.Regression.Trainers.GradientDescent().Fit(Featurize(ml, "one-hot hash").Fit(train).Transform(train));
        Assert.IsInstanceOfType<RegressionPredictionTransformer<LinearRegressionModelParameters>>(predictor);
        Assert.AreEqual((1 << 12) * 2 + 1, predictor.Model.Weights.Count);
    }

    [TestMethod]
    public void StreamedSparseFitIsDeterministicAndNeverDensifies()
    {
        // 200,000 slots: a dense batch of 256 rows would be 200 MB; a CSR one is a few KB.
        var ml = new MLContext(1);
        var view = WideSparse.View(ml, 5000, 200_000, 5, seed: 4);
        var options = new GradientDescentRegressionTrainer.Options { RowSource = RowSource.CacheFile, NumberOfEpochs = 3 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        var first = ml.Regression.Trainers.GradientDescent(options).Fit(view).Model.Weights.ToArray();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var second = ml.Regression.Trainers.GradientDescent(options).Fit(view).Model.Weights.ToArray();
        CollectionAssert.AreEqual(first, second, "the same seed gives the same model");
        Assert.IsTrue(allocated < 400L << 20, $"{allocated:N0} bytes allocated by one streamed fit");
    }
}
