namespace MlNetGd.Trainers.Core;

/// <summary>What a fit learns about its rows before the first step, the same way for every source of rows: an evenly spaced sample,
/// the feature standardization and the largest row. The automatic rate, the divergence scale and the annealing rule read it.</summary>
/// <remarks>
/// <para>Built by <see cref="Take(IRowPass, bool, bool, CancellationToken, IRowPass?)"/> from one pass (two for CSR rows) over the training rows
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

    /// <summary>The fewest dense sample rows read in two halves at once: below it a thread's start costs more than the half saves.</summary>
    public const int MinSplitSampleRows = 4096;

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
    /// <param name="second">Another pass over the same rows in the same order, or <see langword="null"/>: with it a dense sample is read
    /// in two halves at once, the second half by <paramref name="second"/> on another thread; the survey is the same bit for bit.</param>
    /// <exception cref="ArgumentException">There are no rows.</exception>
    /// <exception cref="InvalidOperationException">A pass returned another number of rows than it reported.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static Survey Take(IRowPass rows, bool sparse, bool standardize, CancellationToken cancellationToken = default, IRowPass? second = null)
    {
        var part = FirstPass(rows, second, sparse, standardize, cancellationToken);
        var standardization = Standardize(part, standardize);
        return Of(part, standardization, sparse, () => LargestStandardizedRowNorm(rows, standardization!, cancellationToken));
    }

    /// <summary>The survey of a first pass (<see cref="TakePart"/>, or shards' parts merged) once its standardization is known: the
    /// largest row over the dense sample, the part's largest raw row, or, for CSR rows in a standardized space,
    /// <paramref name="largestStandardizedRow"/> (a second pass over every row, or the shards' largest).</summary>
    /// <exception cref="ArgumentException">The sample has no rows, or the standardization another feature count.</exception>
    public static Survey Of(SurveyPart part, FeatureStandardization? standardization, bool sparse, Func<double> largestStandardizedRow)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(largestStandardizedRow);
        double largest = !sparse ? CurvatureEstimator.LargestRowNorm(part.Sample, part.Sample.RowCount, standardization)
            : standardization is null ? part.LargestRawRowNorm
            : largestStandardizedRow();
        return Create(part.Sample, part.RowCount, standardization, largest);
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
    public static SurveyPart TakePart(IRowPass rows, bool sparse, bool standardize, CancellationToken cancellationToken = default) =>
        FirstPass(rows, null, sparse, standardize, cancellationToken);

    // With a second pass over the same rows, a dense sample of at least MinSplitSampleRows rows is read in two halves at once, the
    // second half by that pass on another thread: each sampled row read in place costs a cache miss, and the halves' misses overlap.
    // The sample is the same either way, and a failure is the first in the rows' order.
    private static SurveyPart FirstPass(IRowPass rows, IRowPass? second, bool sparse, bool standardize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        long n = rows.RowCount;
        int d = rows.FeatureCount;
        if (n < 1)
            throw new ArgumentException("The training data has no rows.", "data");
        int m = SampleRowCount(n, d, sparse);
        var buffer = new RowBlockBuffer(d, sparse, m, sparse ? m * 16 : m * d);
        buffer.Begin(m);
        if (!sparse)
        {
            if (second is null || m < MinSplitSampleRows || Environment.ProcessorCount < 2)
                ReadDenseSample(rows, buffer, 0, m, m, n, cancellationToken);
            else
                ReadDenseSampleInHalves(rows, second, buffer, m, n, cancellationToken);
            return new SurveyPart(buffer.ToRows(), n, null, 0);
        }
        var sums = standardize ? new FeatureStandardization.SparseAccumulator(d) : null;
        var columns = new SparseForm(d);
        double largestRaw = 0;
        rows.Restart();
        int k = 0;
        long next = Position(0, m, n);
        for (long row = 0; row < n; row++)
        {
            if ((row & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            if (!rows.Next(out float label, out var indices, out var values))
                throw Short(n, row);
            indices = columns.Of(indices, values);
            if (sums is null)
                largestRaw = Math.Max(largestRaw, 1 + (double)RowKernels.Dot(values, values));
            else
                sums.Add(indices, values);
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

    private static void ReadDenseSampleInHalves(IRowPass rows, IRowPass second, RowBlockBuffer buffer, int m, long n, CancellationToken token)
    {
        int half = m / 2;
        var upper = Task.Run(() => ReadDenseSample(second, buffer, half, m, m, n, token));
        try
        {
            ReadDenseSample(rows, buffer, 0, half, m, n, token);
        }
        catch
        {
            // The first failure in the rows' order is this half's; the other half's, if any, comes later in the rows.
            try
            {
                upper.Wait();
            }
            catch (AggregateException)
            {
            }
            throw;
        }
        upper.GetAwaiter().GetResult();
    }

    // Sample rows [from, to) of m (at ⌊k·n/m⌋) from a new pass over rows, the rows between them skipped, not read; the pass that reads
    // the last sample row goes on to the end and checks that there are n rows.
    private static void ReadDenseSample(IRowPass rows, RowBlockBuffer buffer, int from, int to, int m, long n, CancellationToken token)
    {
        rows.Restart();
        long row = 0;
        for (int k = from; k <= to; k++)
        {
            long target = k < to ? Position(k, m, n) : to == m ? n : row;
            for (; row < target; row++)
            {
                if ((row & 4095) == 0)
                    token.ThrowIfCancellationRequested();
                if (!rows.Skip())
                    throw Short(n, row);
            }
            if (k == to)
                break;
            if ((row & 4095) == 0)
                token.ThrowIfCancellationRequested();
            if (!rows.Next(out float label, out var indices, out var values))
                throw Short(n, row);
            buffer.Put(k, label, indices, values);
            row++;
        }
        if (to == m && rows.Skip())
            throw new InvalidOperationException($"The data reported {n} rows but a pass returned more.");
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
