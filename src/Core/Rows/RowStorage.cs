namespace MlNetGd.Trainers.Core;

/// <summary>The rule that decides how a fit stores its rows: dense (row-major) or CSR (nonzeros only), from the density of the
/// first rows read. Every source of rows (a copy, an in-place pass, a cache file) decides by it, once.</summary>
public static class RowStorage
{
    /// <summary>The density (stored nonzeros / values) below which rows are kept as CSR: CSR costs 8 bytes a nonzero against 4 a
    /// dense value, and its gradient kernel scatters, so it pays below about a third.</summary>
    public const double SparseDensityThreshold = 1.0 / 3;

    /// <summary>How many leading rows decide the storage.</summary>
    public const int ProbeRows = 1024;

    /// <summary>Returns the storage that <paramref name="rows"/> leading rows of <paramref name="featureCount"/> features holding
    /// <paramref name="nonzeros"/> nonzero values call for — CSR below <see cref="SparseDensityThreshold"/> — and their density
    /// (dense, density 1, when no row came). The one rule: a pass probed ahead (<see cref="Probe"/>) and a read that holds its leading
    /// rows as they come (<see cref="RowIntake"/>) both decide by it.</summary>
    public static (bool Sparse, double Density) Decide(long nonzeros, long rows, int featureCount)
    {
        if (rows <= 0)
            return (false, 1);
        double density = (double)nonzeros / ((double)rows * featureCount);
        return (density < SparseDensityThreshold, density);
    }

    /// <summary>Reads the leading rows of a pass and returns the storage they call for, and their density.</summary>
    public static (bool Sparse, double Density) Probe(IRowPass rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        rows.Restart();
        long nonzeros = 0;
        int read = 0;
        while (read < ProbeRows && rows.Next(out _, out _, out var values))
        {
            nonzeros += CountNonzeros(values);
            read++;
        }
        return Decide(nonzeros, read, rows.FeatureCount);
    }

    /// <summary>Returns the number of nonzero values in <paramref name="values"/>.</summary>
    public static int CountNonzeros(ReadOnlySpan<float> values) => values.Length - values.Count(0f);
}
