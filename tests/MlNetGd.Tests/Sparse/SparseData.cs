using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Sparse;

/// <summary>Seeded tables with categorical, text and numeric columns whose levels are Zipf-distributed (so rare levels exist).</summary>
internal static class SparseData
{
    internal sealed class Row
    {
        public string Shop { get; set; } = "";

        public string City { get; set; } = "";

        public string Text { get; set; } = "";

        public float Amount { get; set; }

        public float Label { get; set; }
    }

    /// <summary>Draws from a Zipf distribution over [0, count) with the given exponent.</summary>
    internal static int Zipf(Random random, int count, double exponent) => new MlNetGd.Data.ZipfLaw(count, exponent).Draw(random.NextDouble());

    /// <summary>Rows whose label is a sum of per-level, per-word and numeric effects plus noise.</summary>
    public static Row[] Table(int rows, int seed, int shops = 300, int cities = 40, int words = 400)
    {
        var random = new Random(seed);
        var effects = new Random(1000);
        var shop = Enumerable.Range(0, shops).Select(_ => effects.NextDouble() * 20 - 10).ToArray();
        var city = Enumerable.Range(0, cities).Select(_ => effects.NextDouble() * 6 - 3).ToArray();
        var word = Enumerable.Range(0, words).Select(_ => effects.NextDouble() * 2 - 1).ToArray();
        var table = new Row[rows];
        for (int i = 0; i < rows; i++)
        {
            int s = Zipf(random, shops, 1.2), c = Zipf(random, cities, 1.0);
            float amount = (float)(random.NextDouble() * 50);
            double y = 30 + shop[s] + city[c] + 0.2 * amount;
            var text = new string[3 + random.Next(6)];
            for (int k = 0; k < text.Length; k++)
            {
                int w = Zipf(random, words, 1.1);
                text[k] = $"w{w}";
                y += word[w];
            }
            table[i] = new Row
            {
                Shop = $"shop{s}", City = $"city{c}", Text = string.Join(' ', text), Amount = amount,
                Label = (float)(y + random.NextDouble() - 0.5),
            };
        }
        return table;
    }

    /// <summary>A dense matrix of one-hot rows (Zipf levels of <paramref name="levels"/> columns) plus one numeric column, for the core.</summary>
    public static DenseDataset OneHot(int rows, int[] levels, double exponent, int seed, bool numeric = true)
    {
        var random = new Random(seed);
        int d = levels.Sum() + (numeric ? 1 : 0);
        var features = new float[rows * d];
        var labels = new float[rows];
        var effects = new Random(seed + 1);
        var weight = Enumerable.Range(0, d).Select(_ => effects.NextDouble() * 4 - 2).ToArray();
        for (int i = 0; i < rows; i++)
        {
            int offset = 0;
            double y = 5;
            foreach (int count in levels)
            {
                int j = offset + Zipf(random, count, exponent);
                features[i * d + j] = 1;
                y += weight[j];
                offset += count;
            }
            if (numeric)
            {
                float x = (float)(random.NextDouble() * 10);
                features[i * d + d - 1] = x;
                y += weight[d - 1] * x;
            }
            labels[i] = (float)(y + random.NextDouble() - 0.5);
        }
        return new DenseDataset(features, labels, d);
    }

    public static IDataView View(MLContext ml, Row[] rows) => ml.Data.LoadFromEnumerable(rows);
}
