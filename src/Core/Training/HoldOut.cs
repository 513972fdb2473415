namespace MlNetGd.Trainers.Core;

/// <summary>Which rows of a fit's source are held out to judge the returned model: evenly spaced by position in the order the source
/// stores its rows (Vowpal Wabbit's every 10th example), the same rows whichever way the fit then reads them.</summary>
/// <remarks>
/// <para>Row i (from 0, in the order the fit's rows are stored, after any skipped non-finite rows) is held out when
/// <c>⌊i·f⌋ &gt; ⌊(i − 1)·f⌋</c>, row 0 always: with f = 0.1, rows 0, 10, 20, …; 1 + ⌊(n − 1)·f⌋ rows of n, at least one. f is kept
/// as a multiple of 2⁻²⁴, so the test is integer arithmetic and the same on every machine. A copy in memory splits them off (with the
/// shuffle it makes anyway), rows read in place and a cache file pass over them (<see cref="HoldOutPass"/>,
/// <see cref="CacheFileBatchSource"/>): no source holds its rows twice.</para>
/// <para><see cref="Decide"/> chooses a fit's hold-out once its source's rows are known: <see cref="GradientDescentSettings.ValidationFraction"/>
/// when it is set; by default a hold-out only for wide data, whose parameters are not far fewer than its rows (fewer than
/// <see cref="RowsPerParameter"/> rows a used column): there the least-squares optimum fits the noise, the training cost keeps falling
/// long after the error on new rows has stopped, and only held-out rows can tell when to stop. Columns that are zero in every row
/// (most slots of a hashed column over few levels) are no parameters: they stay at 0. Narrow data keeps every row and trains to the
/// optimum, which there generalizes.</para>
/// </remarks>
public readonly record struct HoldOut
{
    /// <summary>Below this many rows per parameter (a used column, and the bias) the data counts as wide and a default fit holds rows
    /// out: there the least-squares optimum's expected excess error on new rows, about σ²·p/(n − p − 1), reaches the noise itself
    /// (DESIGN.md).</summary>
    public const int RowsPerParameter = 2;

    /// <summary>The fraction a default fit of wide data holds out, up to <see cref="MaxDefaultRows"/> rows.</summary>
    public const double DefaultFraction = 0.1;

    /// <summary>The most rows a default fit of wide data holds out: enough to rank epochs, and every row it keeps back is one a wide
    /// model does not learn from.</summary>
    public const int MaxDefaultRows = 16384;

    /// <summary>The fewest rows a default hold-out may have; smaller wide data is not held out (too few rows to judge by).</summary>
    public const int MinDefaultRows = 100;

    private const int Bits = 24;
    private readonly ulong _numerator; // f·2²⁴

    private HoldOut(ulong numerator) => _numerator = numerator;

    /// <summary>No row held out.</summary>
    public static HoldOut None => default;

    /// <summary>Gets whether rows are held out.</summary>
    public bool IsActive => _numerator > 0;

    /// <summary>Gets the fraction of the rows held out (0 when none).</summary>
    public double Fraction => _numerator / (double)(1UL << Bits);

    /// <summary>Holds out <paramref name="fraction"/> of the rows, evenly spaced.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in [0, 0.5].</exception>
    public static HoldOut Of(double fraction)
    {
        if (!(fraction >= 0 && fraction <= GradientDescentSettings.MaxValidationFraction))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"must be in range [0, {GradientDescentSettings.MaxValidationFraction}].");
        return new HoldOut(fraction == 0 ? 0 : Math.Max(1UL, (ulong)Math.Round(fraction * (1UL << Bits))));
    }

    /// <summary>Decides a fit's hold-out from its settings and its rows' shape: <see cref="GradientDescentSettings.ValidationFraction"/>
    /// when set (0: none); otherwise, for wide data (fewer than <see cref="RowsPerParameter"/> rows a used column), the smaller of
    /// <see cref="DefaultFraction"/> and <see cref="MaxDefaultRows"/> rows, if that is at least <see cref="MinDefaultRows"/> rows.</summary>
    /// <param name="settings">The fit's settings.</param>
    /// <param name="rows">Every row of the fit, held-out ones included, in their stored order; read (once, for the columns used) only
    /// when sparse rows of a default fit are few enough to be wide.</param>
    /// <param name="sparse">Whether the rows are CSR (a dense row uses every column).</param>
    /// <param name="cancellationToken">Checked every 4096 rows.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static HoldOut Decide(GradientDescentSettings settings, IRowPass rows, bool sparse, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rows);
        if (settings.ValidationFraction is double fraction)
            return Of(fraction);
        long n = rows.RowCount;
        if (!IsWide(n, rows.FeatureCount))
            return None; // even if every column were used
        long used = sparse ? UsedColumns(rows, cancellationToken) : rows.FeatureCount;
        if (!IsWide(n, used))
            return None;
        double share = Math.Min(DefaultFraction, (double)MaxDefaultRows / n);
        return n * share >= MinDefaultRows ? Of(share) : None;
    }

    /// <summary>Returns whether <paramref name="rowCount"/> rows over <paramref name="columns"/> used columns are wide data: fewer than
    /// <see cref="RowsPerParameter"/> rows a parameter (the columns and the bias).</summary>
    public static bool IsWide(long rowCount, long columns) => rowCount < RowsPerParameter * (columns + 1);

    // The columns with a nonzero value in some row: one pass, O(nonzeros).
    private static long UsedColumns(IRowPass rows, CancellationToken cancellationToken)
    {
        var used = new bool[rows.FeatureCount];
        long count = 0;
        rows.Restart();
        for (long row = 0; rows.Next(out _, out var indices, out var values); row++)
        {
            if ((row & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            for (int k = 0; k < values.Length; k++)
            {
                int j = indices.IsEmpty ? k : indices[k];
                if (values[k] != 0 && !used[j])
                {
                    used[j] = true;
                    count++;
                }
            }
        }
        return count;
    }

    /// <summary>Returns whether the row at <paramref name="position"/> (from 0, in the source's order) is held out.</summary>
    public bool IsHeldOut(long position) =>
        _numerator > 0 && (position == 0 || ((ulong)position * _numerator) >> Bits > ((ulong)(position - 1) * _numerator) >> Bits);

    /// <summary>Throws when this hold-out would hold out every one of <paramref name="rowCount"/> rows.</summary>
    /// <exception cref="ArgumentException">No row would be left to train on.</exception>
    public void CheckLeavesTrainingRows(long rowCount)
    {
        if (rowCount - HeldOutCount(rowCount) < 1)
            throw new ArgumentException(
                $"ValidationFraction = {Fraction:G3} holds out all {rowCount} rows; at least 2 rows are needed to train and validate.", "data");
    }

    /// <summary>Returns how many of the first <paramref name="rowCount"/> rows are held out.</summary>
    public long HeldOutCount(long rowCount) =>
        _numerator == 0 || rowCount <= 0 ? 0 : 1 + (long)(((ulong)(rowCount - 1) * _numerator) >> Bits);
}
