using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using static MlNetGd.Tests.Reliability.ReliabilityData;

namespace MlNetGd.Tests.Reliability;

/// <summary>Many concurrent predictions with one loaded model give exactly the sequential results.</summary>
[TestClass]
public sealed class ConcurrentPredictionTests
{
    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    private static (MLContext Ml, ITransformer Loaded, Row[] Rows, IDataView Data) LoadedModel()
    {
        var ml = new MLContext(1);
        var (x, y) = Linear(3000, 4, seed: 12);
        var data = ToDataView(ml, x, y, 4);
        var model = Trainer().Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = new MLContext(2).Model.Load(stream, out _);
        var rows = x.Select((r, i) => new Row { Label = y[i], Features = r }).ToArray();
        return (ml, loaded, rows, data);
    }

    [TestMethod]
    public void PredictionEnginePerThreadMatchesSequentialPredictions()
    {
        var (ml, loaded, rows, _) = LoadedModel();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 4);
        PredictionEngine<Row, Prediction> NewEngine() => ml.Model.CreatePredictionEngine<Row, Prediction>(loaded, inputSchemaDefinition: definition);

        var sequentialEngine = NewEngine();
        var sequential = rows.Select(r => sequentialEngine.Predict(r).Score).ToArray();

        var concurrent = new float[rows.Length];
        var engines = new ConcurrentBag<PredictionEngine<Row, Prediction>>();
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            () => NewEngine(),
            (i, _, engine) =>
            {
                concurrent[i] = engine.Predict(rows[i]).Score;
                return engine;
            },
            engine => engines.Add(engine));

        Assert.IsTrue(sequential.All(float.IsFinite));
        CollectionAssert.AreEqual(Bits(sequential), Bits(concurrent));
        foreach (var engine in engines)
            engine.Dispose();
    }

    [TestMethod]
    public void ConcurrentTransformsOfOneSharedModelMatchSequentialScores()
    {
        var (_, loaded, _, data) = LoadedModel();
        var sequential = loaded.Transform(data).GetColumn<float>("Score").ToArray();
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => results[i] = loaded.Transform(data).GetColumn<float>("Score").ToArray());
        foreach (var scores in results)
            CollectionAssert.AreEqual(Bits(sequential), Bits(scores));
    }
}
