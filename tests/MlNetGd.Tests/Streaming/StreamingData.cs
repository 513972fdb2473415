using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Comparison;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Streaming;

/// <summary>Generated data as the sources a streamed fit meets: an in-memory list (can shuffle), a one-pass enumerable (cannot),
/// a binary .idv file and a text file.</summary>
internal static class StreamingData
{
    public const int FeatureCount = 5;

    internal sealed class Row
    {
        public float Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    public static SyntheticRegression Generate(int rows = 3000, int seed = 5) =>
        SyntheticRegression.Generate(rows, FeatureCount, seed, noise: 0.5f, featureScales: [1f, 2f, 0.5f, 1f, 3f]);

    public static Row[] Rows(SyntheticRegression data) => Enumerable.Range(0, data.RowCount).Select(i => new Row
    {
        Label = data.Labels[i],
        Features = data.Features.AsSpan(i * FeatureCount, FeatureCount).ToArray(),
    }).ToArray();

    /// <summary>An in-memory cache: ML.NET can shuffle it (LoadFromEnumerable alone cannot, even over an array).</summary>
    public static IDataView Shuffleable(MLContext ml, Row[] rows) => ml.Data.Cache(ml.Data.LoadFromEnumerable(rows));

    /// <summary>A lazily enumerated sequence: ML.NET cannot shuffle it, so the trainer's shuffle buffer does.</summary>
    public static IDataView NotShuffleable(MLContext ml, Row[] rows) => ml.Data.LoadFromEnumerable(Lazy(rows));

    private static IEnumerable<Row> Lazy(Row[] rows)
    {
        foreach (var row in rows)
            yield return row;
    }

    public static IDataView BinaryFile(MLContext ml, Row[] rows, string directory)
    {
        string path = Path.Combine(directory, "train.idv");
        using (var stream = File.Create(path))
            ml.Data.SaveAsBinary(ml.Data.LoadFromEnumerable(rows), stream);
        return ml.Data.LoadFromBinary(path);
    }

    public static IDataView TextFile(MLContext ml, Row[] rows, string directory)
    {
        string path = Path.Combine(directory, "train.csv");
        File.WriteAllLines(path, rows.Select(r =>
            string.Join(',', r.Features.Prepend(r.Label).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        return ml.Data.LoadFromTextFile(path,
            [new TextLoader.Column("Label", DataKind.Single, 0), new TextLoader.Column("Features", DataKind.Single, 1, FeatureCount)],
            separatorChar: ',');
    }

    public static GradientDescentRegressionTrainer.Options Options(bool cache, int seed = 3) => new()
    {
        RowSource = cache ? RowSource.Copy : RowSource.CacheFile,
        Seed = seed,
        NumberOfEpochs = 50,
        BatchSize = 256,
    };

    /// <summary>Fits and returns [w0..w(d-1), b] and the history.</summary>
    public static (float[] Parameters, TrainingHistory History) Fit(IDataView data, GradientDescentRegressionTrainer.Options options)
    {
        var trainer = new GradientDescentRegressionTrainer(options);
        var model = trainer.Fit(data).Model;
        return ([.. model.Weights, model.Bias], trainer.LastHistory!);
    }

    /// <summary>The training MSE of parameters, and of the exact least-squares optimum.</summary>
    public static (double Mse, double OptimumMse) Mse(SyntheticRegression data, float[] parameters)
    {
        var set = data.ToDenseDataset();
        var (weights, bias, reason) = LeastSquaresSolver.Solve(set);
        Assert.IsNotNull(weights, reason);
        double[] ours = parameters[..FeatureCount].Select(w => (double)w).ToArray();
        return (LeastSquaresSolver.MeanSquaredError(set, ours, parameters[^1]), LeastSquaresSolver.MeanSquaredError(set, weights, bias));
    }

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnetgd-streaming-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
