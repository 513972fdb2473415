using System.Globalization;
using System.Text;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Data;

/// <summary>The seeded generator of <c>data/houses.csv</c>: synthetic house sales with realistic, differently scaled features.</summary>
/// <remarks>
/// <para>Columns: <c>area_m2</c> (log-normal around 95 m²), <c>rooms</c> (from the area), <c>bathrooms</c>, <c>age_years</c> (0–110),
/// <c>distance_km</c> to the centre (log-normal around 8 km), <c>lot_m2</c> (0 for flats, which are likelier near the centre),
/// <c>energy_rating</c> (1 = best … 7 = worst) and the label <c>price</c> (in currency units, rounded to 100).</para>
/// <para>price = 40 000 + (1 400 + 2 800·e^(−distance/10))·area + 9 000·rooms + 14 000·bathrooms − 1 100·age + 6·age² + 30·lot
/// − 5 500·energy + noise, noise ~ N(0, (18 000 + 60·area)²), floored at 30 000: the price per m² falls with the distance to the
/// centre. That interaction and the age² term are what a linear model cannot fit, so the non-linear reference (FastTree) has something
/// to find. Area, rooms, bathrooms and lot size are correlated, as in real listings, which makes the least-squares problem
/// ill-conditioned.</para>
/// <para>The same rows and seed give the same bytes on every machine: SplitMix64 draws, values rounded to the printed decimals,
/// invariant culture, "\n" line ends.</para>
/// </remarks>
public static class HousePrices
{
    /// <summary>The default number of rows (as shipped in data/houses.csv).</summary>
    public const int DefaultRows = 1000;

    /// <summary>The default seed (as shipped in data/houses.csv).</summary>
    public const int DefaultSeed = 42;

    /// <summary>The label column.</summary>
    public const string LabelColumnName = "price";

    /// <summary>The header line.</summary>
    public const string Header = "area_m2,rooms,bathrooms,age_years,distance_km,lot_m2,energy_rating,price";

    /// <summary>Returns the CSV text (header and rows, "\n" line ends).</summary>
    /// <param name="rows">Number of rows, in range [1, 1 000 000].</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is out of range.</exception>
    public static string ToCsv(int rows = DefaultRows, int seed = DefaultSeed)
    {
        if (rows is < 1 or > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be in range [1, 1000000].");
        var rng = new SplitMix64(seed, stream: 11);
        var text = new StringBuilder(rows * 48);
        text.Append(Header).Append('\n');
        for (int i = 0; i < rows; i++)
        {
            double area = Math.Round(Math.Clamp(Math.Exp(Math.Log(95) + 0.35 * Gaussian(ref rng)), 25, 400), 1);
            double rooms = Math.Clamp(Math.Round(area / 28 + 0.7 * Gaussian(ref rng)), 1, 10);
            double bathrooms = Math.Clamp(Math.Round(1 + (area - 60) / 70 + 0.4 * Gaussian(ref rng)), 1, 4);
            double age = Math.Round(Math.Pow(rng.NextDouble(), 1.3) * 110);
            double distance = Math.Round(Math.Clamp(Math.Exp(Math.Log(8) + 0.7 * Gaussian(ref rng)), 0.3, 60), 2);
            bool house = rng.NextDouble() < Math.Min(0.9, 0.15 + distance / 25);
            double lot = house ? Math.Round(area * (1.2 + 4 * rng.NextDouble())) : 0;
            double energy = Math.Clamp(Math.Round(1 + age / 22 + 1.2 * Gaussian(ref rng)), 1, 7);
            double noise = (18_000 + 60 * area) * Gaussian(ref rng);
            double pricePerSquareMetre = 1_400 + 2_800 * Math.Exp(-distance / 10);
            double price = 40_000 + pricePerSquareMetre * area + 9_000 * rooms + 14_000 * bathrooms - 1_100 * age + 6 * age * age
                + 30 * lot - 5_500 * energy + noise;
            price = Math.Round(Math.Max(price, 30_000) / 100) * 100;
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{area:F1},{rooms:F0},{bathrooms:F0},{age:F0},{distance:F2},{lot:F0},{energy:F0},{price:F0}\n"));
        }
        return text.ToString();
    }

    private static double Gaussian(ref SplitMix64 rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
