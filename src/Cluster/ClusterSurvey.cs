using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The coordinator's side of the fit's survey: the shards' sums merged in shard order into ONE standardization, their samples
/// merged into ONE curvature sample (each shard's share in proportion to its rows), and from them ONE automatic learning rate that every
/// worker uses.</summary>
/// <remarks>Stands in for the mergeable survey of issue 18 until the core has one. What a local streamed fit computes from its cache
/// file, this computes from the shards' parts: the same <see cref="CurvatureEstimator"/> on a uniform sample of at most
/// <see cref="CurvatureEstimator.MaxSampleRows"/> rows, and the standardization of <see cref="FeatureStandardization.SparseAccumulator"/>
/// over every row (a dense local fit takes it from a sample instead; both are exact changes of variables).</remarks>
internal sealed class ClusterSurvey
{
    private ClusterSurvey(TrainingSetup setup, FeatureStandardization? standardization, TrainingRows sample, float curvatureRate, float learningRate,
        double reference)
    {
        Setup = setup;
        Standardization = standardization;
        Sample = sample;
        CurvatureRate = curvatureRate;
        LearningRate = learningRate;
        Reference = reference;
    }

    /// <summary>Gets what every worker is told once: the merged sums and the L2 penalty.</summary>
    public TrainingSetup Setup { get; }

    /// <summary>Gets the standardization every worker trains in, or <see langword="null"/> for raw parameters.</summary>
    public FeatureStandardization? Standardization { get; }

    /// <summary>Gets the merged curvature sample (also what the stopping rule measures the returned model on).</summary>
    public TrainingRows Sample { get; }

    /// <summary>Gets the curvature rate of the sample (named in a divergence error as the stable rate).</summary>
    public float CurvatureRate { get; }

    /// <summary>Gets the rate every worker starts with: the given one, or <see cref="CurvatureRate"/>.</summary>
    public float LearningRate { get; }

    /// <summary>Gets the largest squared residual of the starting model on the sample: a batch cost 10⁴ times above it is divergence.</summary>
    public double Reference { get; }

    /// <summary>How many rows each shard gives the one sample: <c>min(capacity, N)</c> split in proportion to the shards' rows (largest
    /// remainders, ties to the earlier shard), so the merged sample is uniform over all rows.</summary>
    public static int[] SampleCounts(IReadOnlyList<long> rows, int capacity)
    {
        long total = rows.Sum();
        int m = (int)Math.Min(capacity, total);
        var counts = new int[rows.Count];
        var remainders = new (double Remainder, int Shard)[rows.Count];
        int given = 0;
        for (int j = 0; j < rows.Count; j++)
        {
            double exact = (double)m * rows[j] / total;
            counts[j] = (int)Math.Min(Math.Floor(exact), rows[j]);
            given += counts[j];
            remainders[j] = (exact - counts[j], j);
        }
        foreach (var (_, shard) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Shard))
        {
            if (given == m)
                break;
            if (counts[shard] < rows[shard])
            {
                counts[shard]++;
                given++;
            }
        }
        return counts;
    }

    /// <summary>Merges the shards' sums and samples, in shard order.</summary>
    /// <exception cref="ArgumentException">The curvature overflows single precision (features too large).</exception>
    public static ClusterSurvey Merge(IReadOnlyList<ShardSummary> shards, IReadOnlyList<SampleRows> samples, GradientDescentSettings settings, LinearModel start)
    {
        int d = shards[0].Sum.Length;
        long rows = 0;
        var sum = new double[d];
        var squares = new double[d];
        var highest = new float[d];
        var lowest = new float[d];
        foreach (var shard in shards)
        {
            rows += shard.Rows;
            for (int j = 0; j < d; j++)
            {
                sum[j] += shard.Sum[j];
                squares[j] += shard.Squares[j];
                highest[j] = Math.Max(highest[j], shard.Highest[j]);
                lowest[j] = Math.Min(lowest[j], shard.Lowest[j]);
            }
        }
        var setup = new TrainingSetup
        {
            Standardize = settings.StandardizeFeatures, Rows = rows, Sum = sum, Squares = squares, Highest = highest, Lowest = lowest,
            L2Regularization = settings.L2Regularization,
        };
        var standardization = settings.StandardizeFeatures
            ? new FeatureStandardization.SparseAccumulator(rows, sum, squares, highest, lowest).ToStandardization()
            : null;
        var sample = Concatenate(samples, d);
        int smallestBatch = (int)Math.Min(shards.Min(s => s.SmallestBatch), int.MaxValue);
        float curvatureRate = CurvatureEstimator.SuggestLearningRate(sample, sample.RowCount, standardization, smallestBatch);
        return new ClusterSurvey(setup, standardization, sample, curvatureRate, settings.LearningRate ?? curvatureRate, LargestSquaredResidual(sample, start));
    }

    /// <summary>The most rows the sample keeps for <paramref name="featureCount"/> features (the streamed fit's bound).</summary>
    public static int Capacity(int featureCount, bool sparse) =>
        sparse ? CurvatureEstimator.MaxSampleRows : StreamingGradientDescent.BoundedRows(CurvatureEstimator.MaxSampleRows, featureCount);

    private static TrainingRows Concatenate(IReadOnlyList<SampleRows> samples, int d)
    {
        var labels = samples.SelectMany(s => s.Labels).ToArray();
        if (!samples.Any(s => s.IsSparse))
            return new DenseDataset(samples.SelectMany(s => s.Dense).ToArray(), labels, d);
        var starts = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        foreach (var s in samples)
        {
            for (int i = 0; i < s.Labels.Length; i++)
            {
                if (s.IsSparse)
                {
                    indices.AddRange(s.Indices[s.RowStarts[i]..s.RowStarts[i + 1]]);
                    values.AddRange(s.Values[s.RowStarts[i]..s.RowStarts[i + 1]]);
                }
                else
                {
                    for (int j = 0; j < d; j++)
                    {
                        if (s.Dense[i * d + j] != 0)
                        {
                            indices.Add(j);
                            values.Add(s.Dense[i * d + j]);
                        }
                    }
                }
                starts.Add(indices.Count);
            }
        }
        return new CsrDataset(starts.ToArray(), indices.ToArray(), values.ToArray(), labels, d);
    }

    private static double LargestSquaredResidual(TrainingRows sample, LinearModel model)
    {
        RowBlock rows = sample.Rows();
        double largest = 0;
        for (int i = 0; i < rows.RowCount; i++)
        {
            double r = rows.Dot(i, model.Weights) + model.Bias - (double)rows.Labels[i];
            largest = Math.Max(largest, r * r);
        }
        return largest;
    }
}
