using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Streaming;

/// <summary>Writes seeded regression data (x ~ N(0, 1), y = w·x + b + N(0, 0.5²)) to a binary .idv file, one row at a time.</summary>
internal static class IdvGenerator
{
    private sealed class Row
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    /// <summary>Writes the file (to a temporary name, then renamed) and returns its size in bytes.</summary>
    public static long Write(string path, int rows, int features, int seed)
    {
        var ml = new MLContext(seed);
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        var data = ml.Data.LoadFromEnumerable(Generate(rows, features, seed), definition);
        string temporary = path + ".partial";
        using (var stream = File.Create(temporary))
            ml.Data.SaveAsBinary(data, stream);
        File.Move(temporary, path, overwrite: true);
        return new FileInfo(path).Length;
    }

    private static IEnumerable<Row> Generate(int rows, int features, int seed)
    {
        var random = new SplitMix64(seed, stream: 1);
        var weights = new double[features];
        for (int j = 0; j < features; j++)
            weights[j] = 6 * random.NextDouble() - 3;
        double bias = 10 * random.NextDouble() - 5;
        for (int i = 0; i < rows; i++)
        {
            var x = new float[features];
            double label = bias;
            for (int j = 0; j < features; j++)
            {
                x[j] = (float)Gaussian(ref random);
                label += weights[j] * x[j];
            }
            yield return new Row { Label = (float)(label + 0.5 * Gaussian(ref random)), Features = x };
        }
    }

    private static double Gaussian(ref SplitMix64 random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
