using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Sampled rows as they cross the network: dense (<see cref="Dense"/>) or CSR (<see cref="RowStarts"/>, <see cref="Indices"/>,
/// <see cref="Values"/>).</summary>
[GenerateSerializer, Immutable]
public sealed class SampleRows
{
    /// <summary>Gets the labels, one per row.</summary>
    [Id(0)] public required float[] Labels { get; init; }

    /// <summary>Gets the number of features per row.</summary>
    [Id(1)] public required int FeatureCount { get; init; }

    /// <summary>Gets the dense rows, row-major, or an empty array for CSR rows.</summary>
    [Id(2)] public float[] Dense { get; init; } = [];

    /// <summary>Gets the CSR row starts (one more than the rows), or an empty array for dense rows.</summary>
    [Id(3)] public int[] RowStarts { get; init; } = [];

    /// <summary>Gets the CSR column indices.</summary>
    [Id(4)] public int[] Indices { get; init; } = [];

    /// <summary>Gets the CSR values.</summary>
    [Id(5)] public float[] Values { get; init; } = [];

    /// <summary>Gets whether the rows are CSR.</summary>
    public bool IsSparse => RowStarts.Length > 0;

    /// <summary>Takes <paramref name="count"/> evenly spaced rows (<c>⌊k·m/count⌋</c>) of <paramref name="sample"/>'s m rows: all of
    /// them, in order, when <paramref name="count"/> is m.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or above m.</exception>
    internal static SampleRows Of(TrainingRows sample, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, sample.RowCount);
        RowBlock rows = sample.Sample(count, sample.RowCount).Rows(); // a compact copy: rows one after the other, from offset 0
        var labels = rows.Labels.ToArray();
        if (!rows.IsSparse)
            return new SampleRows { Labels = labels, FeatureCount = rows.FeatureCount, Dense = rows.DenseFeatures.ToArray() };
        int[] starts = [0, .. rows.RowEnds];
        return new SampleRows
        {
            Labels = labels, FeatureCount = rows.FeatureCount, RowStarts = starts,
            Indices = rows.Indices[..starts[^1]].ToArray(), Values = rows.Values[..starts[^1]].ToArray(),
        };
    }

    /// <summary>The rows of <paramref name="parts"/> one after the other, as one dataset (checked: the rows came over the network).</summary>
    /// <exception cref="ArgumentException">A part has another feature count or storage, or a row is not valid.</exception>
    internal static TrainingRows Concatenate(IReadOnlyList<SampleRows> parts, int featureCount, bool sparse)
    {
        if (parts.Any(p => p.FeatureCount != featureCount || (p.Labels.Length > 0 && p.IsSparse != sparse)))
            throw new ArgumentException($"A shard sent sample rows of another feature count or storage than the fit's ({featureCount} features, {(sparse ? "CSR" : "dense")}).");
        var labels = parts.SelectMany(p => p.Labels).ToArray();
        if (!sparse)
            return new DenseDataset(parts.SelectMany(p => p.Dense).ToArray(), labels, featureCount);
        var starts = new int[labels.Length + 1];
        int row = 0, offset = 0;
        foreach (var part in parts)
        {
            for (int i = 0; i < part.Labels.Length; i++)
                starts[++row] = offset + part.RowStarts[i + 1];
            offset += part.Labels.Length == 0 ? 0 : part.RowStarts[^1];
        }
        return new CsrDataset(starts, parts.SelectMany(p => p.Indices).ToArray(), parts.SelectMany(p => p.Values).ToArray(), labels, featureCount);
    }
}
