using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Tests.Sparse;

/// <summary>Very wide sparse rows (hashed-feature style), generated lazily so the test never holds them dense.</summary>
internal static class WideSparse
{
    internal sealed class Row
    {
        public VBuffer<float> Features { get; set; }

        public float Label { get; set; }
    }

    public static IDataView View(MLContext ml, int rows, int width, int nonzeros, int seed)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(Generate(rows, width, nonzeros, seed), definition);
    }

    private static IEnumerable<Row> Generate(int rows, int width, int nonzeros, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < rows; i++)
        {
            var indices = new SortedSet<int>();
            while (indices.Count < nonzeros)
                indices.Add(random.Next(width));
            var values = Enumerable.Repeat(1f, nonzeros).ToArray();
            float label = indices.Sum(j => (j % 7) - 3f) + (float)random.NextDouble();
            yield return new Row { Features = new VBuffer<float>(width, nonzeros, values, indices.ToArray()), Label = label };
        }
    }
}
