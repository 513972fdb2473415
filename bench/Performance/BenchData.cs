using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench;

/// <summary>The seeded synthetic data of one benchmark run: a training IDataView cached by ML.NET, and held-out rows drawn with the same true weights.</summary>
public sealed class BenchData
{
    private BenchData(IDataView cachedTrain, DenseDataset heldOut, int rows, int features)
    {
        CachedTrain = cachedTrain;
        HeldOut = heldOut;
        Rows = rows;
        Features = features;
    }

    /// <summary>Gets the training rows as an IDataView cached by ML.NET (<c>ml.Data.Cache</c>), filled by one pass already.</summary>
    public IDataView CachedTrain { get; }

    /// <summary>Gets the held-out rows.</summary>
    public DenseDataset HeldOut { get; }

    /// <summary>Gets the training row count.</summary>
    public int Rows { get; }

    /// <summary>Gets the feature count.</summary>
    public int Features { get; }

    /// <summary>Generates <paramref name="rows"/> + <paramref name="heldOutRows"/> rows, caches the training part in ML.NET and fills the cache.</summary>
    public static BenchData Create(MLContext ml, int rows, int heldOutRows, int features, int seed)
    {
        var all = SyntheticRegression.Generate(rows + heldOutRows, features, seed, noise: 0.5f);
        var heldOut = new DenseDataset(all.Features.AsSpan(rows * features).ToArray(), all.Labels.AsSpan(rows).ToArray(), features);
        var trainFeatures = all.Features;
        var trainLabels = all.Labels;

        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        var view = ml.Data.LoadFromEnumerable(Enumerate(trainFeatures, trainLabels, rows, features), definition);
        var cached = ml.Data.Cache(view);
        using (var cursor = cached.GetRowCursor(cached.Schema))
            while (cursor.MoveNext())
            {
            }
        return new BenchData(cached, heldOut, rows, features);
    }

    /// <summary>Returns the held-out MSE of a model given by float weights and a bias.</summary>
    public double HeldOutMse(IReadOnlyList<float> weights, float bias)
    {
        var w = new double[weights.Count];
        for (int j = 0; j < w.Length; j++)
            w[j] = weights[j];
        return LeastSquaresSolver.MeanSquaredError(HeldOut, w, bias);
    }

    private static IEnumerable<Row> Enumerate(float[] x, float[] y, int rows, int d)
    {
        for (int i = 0; i < rows; i++)
            yield return new Row { Label = y[i], Features = x.AsSpan(i * d, d).ToArray() };
    }

    private sealed class Row
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
