using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Data;

/// <summary>Seeded synthetic regression data with known weights: <c>y = w·x + b + noise</c>, x ~ N(0, scaleⱼ²).</summary>
/// <remarks>The same arguments give the same numbers on every machine and runtime (SplitMix64 and Box–Muller, in double).</remarks>
public sealed class SyntheticRegression
{
    private SyntheticRegression(float[] features, float[] labels, int featureCount, float[] trueWeights, float trueBias)
    {
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
        TrueWeights = trueWeights;
        TrueBias = trueBias;
    }

    /// <summary>Gets the row-major features (n x d).</summary>
    public float[] Features { get; }

    /// <summary>Gets the labels.</summary>
    public float[] Labels { get; }

    /// <summary>Gets the number of features (d).</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of rows (n).</summary>
    public int RowCount => Labels.Length;

    /// <summary>Gets the weights the labels were made with.</summary>
    public float[] TrueWeights { get; }

    /// <summary>Gets the bias the labels were made with.</summary>
    public float TrueBias { get; }

    /// <summary>Generates the data.</summary>
    /// <param name="rows">Number of rows, at least 1.</param>
    /// <param name="features">Number of features, at least 1.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="noise">Standard deviation of the label noise, ≥ 0.</param>
    /// <param name="featureScales">Standard deviation of each feature (length <paramref name="features"/>), or null for all 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static SyntheticRegression Generate(int rows, int features, int seed, float noise = 0.5f, float[]? featureScales = null)
    {
        if (rows < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be at least 1.");
        if (features < 1)
            throw new ArgumentOutOfRangeException(nameof(features), features, "must be at least 1.");
        if (!(noise >= 0) || float.IsInfinity(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "must be a finite number >= 0.");
        if (featureScales is not null && featureScales.Length != features)
            throw new ArgumentException($"featureScales has {featureScales.Length} values; {features} are needed.", nameof(featureScales));
        if ((long)rows * features > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows x features must not exceed {Array.MaxLength}.");

        var rng = new SplitMix64(seed, stream: 7);
        var weights = new float[features];
        for (int j = 0; j < features; j++)
            weights[j] = (float)Math.Round(Uniform(ref rng, -3, 3), 2) / (featureScales?[j] ?? 1f);
        float bias = (float)Math.Round(Uniform(ref rng, -5, 5), 2);

        var x = new float[rows * features];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            double label = bias;
            for (int j = 0; j < features; j++)
            {
                float value = (float)(Gaussian(ref rng) * (featureScales?[j] ?? 1f));
                x[i * features + j] = value;
                label += (double)weights[j] * value;
            }
            y[i] = (float)(label + noise * Gaussian(ref rng));
        }
        return new SyntheticRegression(x, y, features, weights, bias);
    }

    /// <summary>Returns the data as a <see cref="DenseDataset"/> (copies, so training may shuffle it).</summary>
    public DenseDataset ToDenseDataset() => new((float[])Features.Clone(), (float[])Labels.Clone(), FeatureCount);

    /// <summary>Returns the data as an <see cref="IDataView"/> with a Single label column and a known-size feature vector column.</summary>
    public IDataView ToDataView(MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var rows = new Row[RowCount];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = new Row { Label = Labels[i], Features = Features.AsSpan(i * FeatureCount, FeatureCount).ToArray() };
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
        definition[nameof(Row.Features)].ColumnName = featureColumnName;
        definition[nameof(Row.Label)].ColumnName = labelColumnName;
        return mlContext.Data.LoadFromEnumerable(rows, definition);
    }

    private static double Uniform(ref SplitMix64 rng, double low, double high) => low + (high - low) * rng.NextDouble();

    private static double Gaussian(ref SplitMix64 rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private sealed class Row
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = Array.Empty<float>();
    }
}
