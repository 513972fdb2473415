using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;

namespace MlNetGd.Tests.Reliability;

/// <summary>Small builders of data views with exact schemas for the reliability tests.</summary>
internal static class ReliabilityData
{
    internal sealed class Row
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    /// <summary>A view with a Single Label and a Features column of known size <paramref name="featureCount"/>.</summary>
    public static IDataView ToDataView(MLContext ml, float[][] features, float[] labels, int featureCount)
    {
        var rows = features.Select((x, i) => new Row { Label = labels[i], Features = x }).ToArray();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>Rows of seeded synthetic linear data (Gaussian features, noise 0.1).</summary>
    public static (float[][] Features, float[] Labels) Linear(int rows, int featureCount, int seed = 1)
    {
        var generated = Data.SyntheticRegression.Generate(rows, featureCount, seed, noise: 0.1f);
        var features = Enumerable.Range(0, rows)
            .Select(i => generated.Features.AsSpan(i * featureCount, featureCount).ToArray()).ToArray();
        return (features, generated.Labels);
    }

    public static IDataView LinearView(MLContext ml, int rows, int featureCount, int seed = 1)
    {
        var (x, y) = Linear(rows, featureCount, seed);
        return ToDataView(ml, x, y, featureCount);
    }

    public static GradientDescentRegressionTrainer Trainer(Func<GradientDescentRegressionTrainer.Options, GradientDescentRegressionTrainer.Options>? configure = null)
    {
        var options = new GradientDescentRegressionTrainer.Options();
        return new GradientDescentRegressionTrainer(configure is null ? options : configure(options));
    }

    public static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }

    public static void AssertMessageContains(Exception e, params string[] parts)
    {
        foreach (var part in parts)
            Assert.Contains(part, e.Message, $"The message should name '{part}': {e.Message}");
    }
}
