namespace MlNetGd.Data;

/// <summary>Zipf's law over <c>levels</c> categories: level k (from 0) has probability ∝ 1/(k + 1)^exponent. For seeded synthetic
/// categorical data with rare levels (the tool's <c>data synth --kind categorical</c>, bench/Sparse, the sparse tests).</summary>
public sealed class ZipfLaw
{
    private readonly double[] _cumulative;

    /// <summary>Tabulates the law.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="levels"/> is less than 1, or <paramref name="exponent"/> is not a finite number ≥ 0.</exception>
    public ZipfLaw(int levels, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        if (!(exponent >= 0) || double.IsInfinity(exponent))
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "must be a finite number >= 0.");
        _cumulative = new double[levels];
        double sum = 0;
        for (int k = 0; k < levels; k++)
            _cumulative[k] = sum += 1 / Math.Pow(k + 1, exponent);
        for (int k = 0; k < levels; k++)
            _cumulative[k] /= sum;
    }

    /// <summary>Gets the number of levels.</summary>
    public int Levels => _cumulative.Length;

    /// <summary>Returns the level a uniform draw in [0, 1) falls on.</summary>
    public int Draw(double uniform)
    {
        int k = Array.BinarySearch(_cumulative, uniform);
        return Math.Min(k < 0 ? ~k : k, _cumulative.Length - 1);
    }
}
