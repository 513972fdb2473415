using System.Globalization;
using System.Text;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Data;

/// <summary>A seeded synthetic sales data set with numeric and categorical columns whose levels follow a Zipf law (a few levels
/// are common, most are rare), for trying the featurization on large files.</summary>
/// <remarks>
/// <para>Columns: <c>units</c> (Poisson-like count, 1–40), <c>unit_price</c> (log-normal around 20), <c>discount_pct</c> (0–30, empty in
/// about 2% of rows), <c>temperature_c</c>, <c>region</c> (<see cref="RegionLevels"/> levels), <c>product</c> (<see cref="ProductLevels"/>),
/// <c>store</c> (<see cref="StoreLevels"/>), <c>promo</c> (yes/no) and the label <c>revenue</c>.</para>
/// <para>Level k of a categorical column (1-based) is drawn with probability ∝ 1/k^<see cref="ZipfExponent"/>. revenue =
/// units·unit_price·(1 − discount/100) + 2·temperature + effect(region) + effect(product) + effect(store) + 25·promo + noise,
/// noise ~ N(0, 20²), floored at 0; each level's effect is drawn once from N(0, 40²) with the seed. The units·price product is what a linear
/// model cannot fit exactly.</para>
/// <para>The same rows and seed give the same bytes on every machine (SplitMix64, invariant culture, "\n" line ends).</para>
/// </remarks>
public static class CategoricalSales
{
    /// <summary>The label column.</summary>
    public const string LabelColumnName = "revenue";

    /// <summary>The header line.</summary>
    public const string Header = "units,unit_price,discount_pct,temperature_c,region,product,store,promo,revenue";

    /// <summary>The number of regions.</summary>
    public const int RegionLevels = 8;

    /// <summary>The number of products.</summary>
    public const int ProductLevels = 40;

    /// <summary>The number of stores.</summary>
    public const int StoreLevels = 120;

    /// <summary>The exponent of the Zipf law of the levels.</summary>
    public const double ZipfExponent = 1.1;

    /// <summary>Returns the CSV text (header and rows, "\n" line ends).</summary>
    /// <param name="rows">Number of rows, in range [1, 1 000 000].</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is out of range.</exception>
    public static string ToCsv(int rows, int seed)
    {
        if (rows is < 1 or > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be in range [1, 1000000].");
        var rng = new SplitMix64(seed, stream: 23);
        double[] regionEffect = Effects(ref rng, RegionLevels), productEffect = Effects(ref rng, ProductLevels), storeEffect = Effects(ref rng, StoreLevels);
        ZipfLaw regions = new(RegionLevels, ZipfExponent), products = new(ProductLevels, ZipfExponent), stores = new(StoreLevels, ZipfExponent);
        var text = new StringBuilder(rows * 64);
        text.Append(Header).Append('\n');
        for (int i = 0; i < rows; i++)
        {
            double units = Math.Clamp(Math.Round(8 + 4 * Gaussian(ref rng)), 1, 40);
            double price = Math.Round(Math.Clamp(Math.Exp(Math.Log(20) + 0.4 * Gaussian(ref rng)), 1, 200), 2);
            bool discountKnown = rng.NextDouble() >= 0.02;
            double discount = Math.Round(rng.NextDouble() < 0.7 ? 0 : 30 * rng.NextDouble());
            double temperature = Math.Round(15 + 8 * Gaussian(ref rng), 1);
            int region = regions.Draw(rng.NextDouble()), product = products.Draw(rng.NextDouble()), store = stores.Draw(rng.NextDouble());
            bool promo = rng.NextDouble() < 0.2;
            double revenue = Math.Max(0, units * price * (1 - discount / 100) + 2 * temperature + regionEffect[region] + productEffect[product]
                + storeEffect[store] + (promo ? 25 : 0) + 20 * Gaussian(ref rng));
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{units:F0},{price:F2},{(discountKnown ? discount.ToString("F0", CultureInfo.InvariantCulture) : "")},{temperature:F1},R{region + 1:D2},P{product + 1:D3},S{store + 1:D3},{(promo ? "yes" : "no")},{revenue:F2}\n"));
        }
        return text.ToString();
    }

    private static double[] Effects(ref SplitMix64 rng, int levels)
    {
        var effects = new double[levels];
        for (int k = 0; k < levels; k++)
            effects[k] = 40 * Gaussian(ref rng);
        return effects;
    }

    private static double Gaussian(ref SplitMix64 rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
