using System.Globalization;
using System.Text;

namespace MlNetGd.Bench.Distributed;

/// <summary>The bench's CSV shards, written once and kept: dense (64 numeric columns of different scales) or one-hot (an item id drawn
/// from a Zipf law over 10⁶ ids, hashed by the featurizer into 2^16 slots, and one number); the label is linear in them plus noise.</summary>
internal static class ShardFiles
{
    public const int DenseFeatures = 64;
    public const int Items = 1_000_000;

    public static string Header(bool oneHot) =>
        oneHot ? "item,amount,y" : string.Join(',', Enumerable.Range(1, DenseFeatures).Select(j => $"x{j}")) + ",y";

    /// <summary>Writes <paramref name="rows"/> rows drawn with <paramref name="seed"/> to <paramref name="path"/> unless it is there.</summary>
    public static void Write(string path, bool oneHot, int rows, int seed)
    {
        if (File.Exists(path))
            return;
        var random = new Random(seed);
        var line = new StringBuilder();
        string temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(Header(oneHot) + "\n");
            for (int i = 0; i < rows; i++)
            {
                line.Clear();
                double y;
                if (oneHot)
                {
                    int item = Zipf(random);
                    double amount = random.NextDouble() * 10;
                    y = 20 + ItemEffect(item) + 0.5 * amount + Gaussian(random);
                    line.Append(CultureInfo.InvariantCulture, $"i{item},{amount:F3},");
                }
                else
                {
                    y = 1;
                    for (int j = 0; j < DenseFeatures; j++)
                    {
                        double scale = 1 + j % 7, x = Gaussian(random) * scale + j % 3;
                        y += Weight(j) * x;
                        line.Append(x.ToString("F4", CultureInfo.InvariantCulture)).Append(',');
                    }
                    y += Gaussian(random);
                }
                line.Append(y.ToString("F4", CultureInfo.InvariantCulture)).Append('\n');
                writer.Write(line);
            }
        }
        File.Move(temporary, path);
    }

    private static double Weight(int j) => Math.Sin(j + 1) * 2 / (1 + j % 7);

    // A deterministic effect per item: the label depends on which item it is, as a one-hot model can learn.
    private static double ItemEffect(int item) => (((item * 2654435761L) & 0xFFFF) / 65535.0 - 0.5) * 20;

    // Zipf-like ids: P(k) ∝ 1/k^1.1 over 1..Items, by inverting the continuous approximation of the CDF.
    private static int Zipf(Random random)
    {
        const double s = 1.1;
        double hMax = (Math.Pow(Items, 1 - s) - 1) / (1 - s);
        double u = random.NextDouble() * hMax;
        return (int)Math.Min(Items, Math.Max(1, Math.Pow(u * (1 - s) + 1, 1 / (1 - s))));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
