using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;

namespace MlNetGd.Tests.Comparison;

/// <summary>Small generated data sets for the comparison and CLI tests, and a temporary directory that cleans up.</summary>
internal static class ComparisonData
{
    public const int FeatureCount = 4;

    internal sealed class Row
    {
        public float Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Raw { get; set; } = [];
    }

    /// <summary>Linear data with differently scaled independent features: y = w·x + b + N(0, 0.5²).</summary>
    public static IDataView Linear(MLContext ml, int rows = 1200, int seed = 5)
    {
        var g = SyntheticRegression.Generate(rows, FeatureCount, seed, noise: 0.5f, featureScales: [1f, 4f, 0.5f, 10f]);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Row
        {
            Label = g.Labels[i],
            Raw = g.Features.AsSpan(i * FeatureCount, FeatureCount).ToArray(),
        }).ToArray());
    }

    /// <summary>The linear data of <see cref="Linear"/> with every label replaced by <paramref name="label"/>.</summary>
    public static IDataView ConstantLabel(MLContext ml, float label) =>
        ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<Row>(Linear(ml, 400), reuseRowObject: false)
            .Select(r => new Row { Label = label, Raw = r.Raw }).ToArray());

    /// <summary>The same kind of data as CSV text with a header x1..x4,y.</summary>
    public static string Csv(int rows = 300, int seed = 5)
    {
        var g = SyntheticRegression.Generate(rows, FeatureCount, seed, noise: 0.5f, featureScales: [1f, 4f, 0.5f, 10f]);
        var text = new StringBuilder("x1,x2,x3,x4,y\n");
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < FeatureCount; j++)
                text.Append(g.Features[i * FeatureCount + j].ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(g.Labels[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>A fresh directory under the system temp directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnetgd-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
