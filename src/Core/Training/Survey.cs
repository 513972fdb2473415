namespace MlNetGd.Trainers.Core;

/// <summary>What a fit learns about its rows before the first step, the same way for every source of rows: an evenly spaced sample,
/// the feature standardization and the largest row. The automatic rate, the divergence scale and the annealing rule read it.</summary>
/// <remarks>
/// <para>Built by <see cref="Take(IRowPass, bool, bool, CancellationToken)"/> from one pass (two for CSR rows) over the training rows
/// in their stored order, so a copy in memory, rows read in place and a cache file holding the same rows in the same order give the
/// same survey bit for bit:</para>
/// <list type="bullet">
/// <item>the sample: the rows at the evenly spaced positions <c>⌊k·n/m⌋</c>, m = min(n, <see cref="CurvatureEstimator.MaxSampleRows"/>),
/// fewer for very wide dense rows (at most <see cref="MaxSampleValues"/> values); dense rows that are not sampled are skipped,
/// not read;</item>
/// <item>the standardization (<see cref="FeatureStandardization"/>): of the sample for dense rows; of every row for CSR rows
/// (O(nonzeros)), so that a rare one-hot level is never missed and frozen;</item>
/// <item>the largest squared row norm in the optimizer's space: over the sample for dense rows (the capped standardization bounds
/// what others add); over every row for CSR rows, where rare rows hide — a second pass, once the standardization is known.</item>
/// </list>
/// </remarks>
public sealed class Survey
{
    /// <summary>The most values the dense sample may hold (64 MB), so very wide rows get fewer sampled rows.</summary>
    public const long MaxSampleValues = 16L << 20;

    private Survey(TrainingRows sample, long rowCount, FeatureStandardization? standardization, double largestRowNorm)
    {
        Sample = sample;
        RowCount = rowCount;
        Standardization = standardization;
        LargestRowNorm = largestRowNorm;
    }

    /// <summary>Gets the evenly spaced sample of the rows, in their order.</summary>
    public TrainingRows Sample { get; }

    /// <summary>Gets the number of rows surveyed (n).</summary>
    public long RowCount { get; }

    /// <summary>Gets the standardization the optimizer works in, or <see langword="null"/> when the fit trains raw parameters.</summary>
    public FeatureStandardization? Standardization { get; }

    /// <summary>Gets the largest <c>‖x̃ᵢ‖²</c> (features and the bias input, in the optimizer's space).</summary>
    public double LargestRowNorm { get; }

    /// <summary>Gets the number of features (d).</summary>
    public int FeatureCount => Sample.FeatureCount;

    /// <summary>Surveys the training rows of <paramref name="source"/> (<see cref="IBatchSource.OpenPass"/>).</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static Survey Take(IBatchSource source, bool standardize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Take(source.OpenPass(), source.IsSparse, standardize, cancellationToken);
    }

    /// <summary>Surveys <paramref name="rows"/>.</summary>
    /// <param name="rows">The training rows; every pass must return <see cref="IRowPass.RowCount"/> rows.</param>
    /// <param name="sparse">Whether the rows are stored as CSR (the standardization and largest row then read every row).</param>
    /// <param name="standardize">Whether the optimizer works in the standardized space (<see cref="GradientDescentSettings.StandardizeFeatures"/>).</param>
    /// <param name="cancellationToken">Checked every 4096 rows.</param>
    /// <exception cref="ArgumentException">There are no rows.</exception>
    /// <exception cref="InvalidOperationException">A pass returned another number of rows than it reported.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static Survey Take(IRowPass rows, bool sparse, bool standardize, CancellationToken cancellationToken = default)
    {
        var part = TakePart(rows, sparse, standardize, cancellationToken);
        var standardization = Standardize(part, standardize);
        double largest = !sparse ? CurvatureEstimator.LargestRowNorm(part.Sample, part.Sample.RowCount, standardization)
            : standardization is null ? part.LargestRawRowNorm
            : LargestStandardizedRowNorm(rows, standardization, cancellationToken);
        return new Survey(part.Sample, part.RowCount, standardization, largest);
    }

    /// <summary>Builds a survey from parts measured elsewhere — the shards of a distributed fit, merged in shard order.</summary>
    /// <exception cref="ArgumentException">The sample has no rows, or the standardization another feature count.</exception>
    public static Survey Create(TrainingRows sample, long rowCount, FeatureStandardization? standardization, double largestRowNorm)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.RowCount == 0)
            throw new ArgumentException("The sample has no rows.", nameof(sample));
        if (standardization is not null && standardization.FeatureCount != sample.FeatureCount)
            throw new ArgumentException($"The standardization has {standardization.FeatureCount} features; the sample has {sample.FeatureCount}.", nameof(standardization));
        return new Survey(sample, Math.Max(rowCount, sample.RowCount), standardization, largestRowNorm);
    }

    /// <summary>The standardization of a part: of its sample for dense rows, of its column sums (every row) for CSR rows; none when
    /// the fit does not standardize.</summary>
    public static FeatureStandardization? Standardize(SurveyPart part, bool standardize)
    {
        ArgumentNullException.ThrowIfNull(part);
        return !standardize ? null : part.Sums?.ToStandardization() ?? FeatureStandardization.Compute(part.Sample, part.Sample.RowCount);
    }

    /// <summary>The survey's first pass over <paramref name="rows"/>: the evenly spaced sample and, for CSR rows, the column sums (or,
    /// without standardization, the largest raw row). A distributed fit takes one per shard and merges them.</summary>
    /// <exception cref="ArgumentException">There are no rows.</exception>
    /// <exception cref="InvalidOperationException">The pass returned another number of rows than it reported.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (checked every 4096 rows).</exception>
    public static SurveyPart TakePart(IRowPass rows, bool sparse, bool standardize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        long n = rows.RowCount;
        int d = rows.FeatureCount;
        if (n < 1)
            throw new ArgumentException("The training data has no rows.", "data");
        int m = SampleRowCount(n, d, sparse);
        var buffer = new RowBlockBuffer(d, sparse, m, sparse ? m * 16 : m * d);
        buffer.Begin(m);
        var sums = sparse && standardize ? new FeatureStandardization.SparseAccumulator(d) : null;
        var columns = sparse ? new SparseForm(d) : null;
        double largestRaw = 0;
        rows.Restart();
        int k = 0;
        long next = Position(0, m, n);
        for (long row = 0; row < n; row++)
        {
            if ((row & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            if (row != next && !sparse)
            {
                if (!rows.Skip())
                    throw Short(n, row);
                continue;
            }
            if (!rows.Next(out float label, out var indices, out var values))
                throw Short(n, row);
            if (sparse)
            {
                indices = columns!.Of(indices, values);
                if (sums is null)
                    largestRaw = Math.Max(largestRaw, 1 + (double)RowKernels.Dot(values, values));
                else
                    sums.Add(indices, values);
            }
            if (row == next)
            {
                buffer.Put(k++, label, indices, values);
                next = k < m ? Position(k, m, n) : -1;
            }
        }
        if (rows.Skip())
            throw new InvalidOperationException($"The data reported {n} rows but a pass returned more.");
        return new SurveyPart(buffer.ToRows(), n, sums, largestRaw);
    }

    /// <summary>How many rows the sample of <paramref name="rowCount"/> rows of <paramref name="featureCount"/> features holds:
    /// min(n, <see cref="CurvatureEstimator.MaxSampleRows"/>), and for dense rows at most <see cref="MaxSampleValues"/> values.</summary>
    internal static int SampleRowCount(long rowCount, int featureCount, bool sparse)
    {
        int m = (int)Math.Min(rowCount, CurvatureEstimator.MaxSampleRows);
        return sparse ? m : (int)Math.Clamp(MaxSampleValues / (featureCount + 1L), 1, m);
    }

    // Position of sample row k: ⌊k·n/m⌋ (EvenSample, in long for sources of more than 2^31 rows).
    private static long Position(int k, int m, long n) => (long)((Int128)k * n / m);

    /// <summary>The largest <c>‖x̃ᵢ‖²</c> over every row of <paramref name="rows"/> in the space of <paramref name="standardization"/>:
    /// the survey's second pass over CSR rows, once the standardization is known.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (checked every 4096 rows).</exception>
    public static double LargestStandardizedRowNorm(IRowPass rows, FeatureStandardization standardization, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(standardization);
        var columns = new SparseForm(rows.FeatureCount);
        double largest = 0;
        rows.Restart();
        for (long row = 0; rows.Next(out _, out var indices, out var values); row++)
        {
            if ((row & 4095) == 0)
                token.ThrowIfCancellationRequested();
            largest = Math.Max(largest, standardization.SquaredNorm(columns.Of(indices, values), values));
        }
        return largest;
    }

    private static InvalidOperationException Short(long reported, long returned) =>
        new($"The data reported {reported} rows but a pass returned {returned}.");

    // The columns of a row's stored values: its indices, or 0..d−1 for a row given dense (an ML.NET vector can be dense in a sparse column).
    private sealed class SparseForm(int featureCount)
    {
        private int[]? _all;

        public ReadOnlySpan<int> Of(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
        {
            if (!indices.IsEmpty || values.IsEmpty)
                return indices;
            _all ??= Enumerable.Range(0, featureCount).ToArray();
            return _all.AsSpan(0, values.Length);
        }
    }
}
