using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>A shard's part of the fit's survey, made on its worker in one pass over its cache file: the per-feature sums over every row
/// (merged by <see cref="ClusterSurvey"/> into the one standardization) and a seeded uniform sample from which the coordinator draws
/// its share of the one curvature sample.</summary>
/// <remarks>Stands in for the mergeable survey of issue 18 until the core has one: the sums are the core's
/// <see cref="FeatureStandardization.SparseAccumulator"/> (over dense rows too, so every shard is standardized alike), the sample its
/// <see cref="RowReservoir"/>.</remarks>
internal sealed class ShardSurvey
{
    private readonly TrainingRows _reservoir;
    private readonly int _seed;

    private ShardSurvey(TrainingRows reservoir, FeatureStandardization.SparseAccumulator sums, int seed)
    {
        _reservoir = reservoir;
        Sums = sums;
        _seed = seed;
    }

    /// <summary>Gets the per-feature sums over every row.</summary>
    public FeatureStandardization.SparseAccumulator Sums { get; }

    /// <summary>Reads every block of <paramref name="reader"/> once.</summary>
    public static ShardSurvey Run(CacheFileReader reader, int seed, CancellationToken cancellationToken)
    {
        int d = reader.Schema.FeatureCount;
        bool sparse = reader.Schema.IsSparse;
        int capacity = sparse ? CurvatureEstimator.MaxSampleRows : StreamingGradientDescent.BoundedRows(CurvatureEstimator.MaxSampleRows, d);
        var reservoir = new RowReservoir(capacity, d, seed, sparse);
        var sums = new FeatureStandardization.SparseAccumulator(d);
        int[] all = sparse ? [] : Enumerable.Range(0, d).ToArray();
        var buffer = new byte[reader.MaxBlockBytes];
        for (int k = 0; k < reader.BlockCount; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RowBlock block = reader.ReadBlock(k, buffer); // checks the block's checksum
            for (int i = 0; i < block.RowCount; i++)
            {
                if (!sparse)
                {
                    ReadOnlySpan<float> row = block.DenseFeatures.Slice(i * d, d);
                    reservoir.Add(row, block.Labels[i]);
                    sums.Add(all, row);
                    continue;
                }
                int start = block.RowStarts[i], end = block.RowEnds[i];
                reservoir.Add(block.Indices[start..end], block.Values[start..end], block.Labels[i]);
                sums.Add(block.Indices[start..end], block.Values[start..end]);
            }
        }
        return new ShardSurvey(reservoir.ToRows(), sums, seed);
    }

    /// <summary>Returns <paramref name="count"/> of the sampled rows, chosen by a seeded partial shuffle, so they are a uniform sample of
    /// the shard whatever <paramref name="count"/> is (a prefix of the reservoir would not be: its first slots start as the first rows).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> exceeds the sample.</exception>
    public SampleRows Sample(int count)
    {
        int m = _reservoir.RowCount;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, m);
        var order = Enumerable.Range(0, m).ToArray();
        var random = new SplitMix64(_seed, stream: 0x5A3B1EUL);
        for (int k = 0; k < count; k++)
        {
            int pick = k + random.NextInt(m - k);
            (order[k], order[pick]) = (order[pick], order[k]);
        }
        int d = _reservoir.FeatureCount;
        RowBlock rows = _reservoir.Rows();
        var labels = new float[count];
        if (!_reservoir.IsSparse)
        {
            var dense = new float[count * d];
            for (int k = 0; k < count; k++)
            {
                rows.CopyRow(order[k], dense.AsSpan(k * d, d));
                labels[k] = rows.Labels[order[k]];
            }
            return new SampleRows { Labels = labels, FeatureCount = d, Dense = dense };
        }
        var starts = new int[count + 1];
        for (int k = 0; k < count; k++)
            starts[k + 1] = starts[k] + rows.RowEnds[order[k]] - rows.RowStarts[order[k]];
        var indices = new int[starts[count]];
        var values = new float[starts[count]];
        for (int k = 0; k < count; k++)
        {
            int row = order[k], start = rows.RowStarts[row], length = rows.RowEnds[row] - start;
            rows.Indices.Slice(start, length).CopyTo(indices.AsSpan(starts[k]));
            rows.Values.Slice(start, length).CopyTo(values.AsSpan(starts[k]));
            labels[k] = rows.Labels[row];
        }
        return new SampleRows { Labels = labels, FeatureCount = d, RowStarts = starts, Indices = indices, Values = values };
    }

    /// <summary>Gets the rows the sample holds.</summary>
    public int SampleRowCount => _reservoir.RowCount;
}
