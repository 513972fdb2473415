using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>A shard's part of the fit's survey as it crosses the network (<see cref="SurveyPart"/>): its share of the sample, its
/// row count, and for CSR rows its column sums (or its largest raw row).</summary>
[GenerateSerializer, Immutable]
public sealed class ShardPart
{
    /// <summary>Gets the shard's share of the sample: evenly spaced rows of its own evenly spaced sample.</summary>
    [Id(0)] public required SampleRows Sample { get; init; }

    /// <summary>Gets the rows the shard's survey passed over.</summary>
    [Id(1)] public required long Rows { get; init; }

    /// <summary>Gets Σx per feature over every row (CSR survey with standardization), or an empty array.</summary>
    [Id(2)] public double[] Sum { get; init; } = [];

    /// <summary>Gets Σx² per feature, or an empty array.</summary>
    [Id(3)] public double[] Squares { get; init; } = [];

    /// <summary>Gets the largest value per feature (0 counted), or an empty array.</summary>
    [Id(4)] public float[] Highest { get; init; } = [];

    /// <summary>Gets the smallest value per feature (0 counted), or an empty array.</summary>
    [Id(5)] public float[] Lowest { get; init; } = [];

    /// <summary>Gets the largest <c>1 + ‖xᵢ‖²</c> of a CSR survey without standardization; else 0.</summary>
    [Id(6)] public double LargestRawRowNorm { get; init; }

    /// <summary>The message of <paramref name="part"/>, with <paramref name="sampleRows"/> of its sampled rows.</summary>
    internal static ShardPart Of(SurveyPart part, int sampleRows)
    {
        var sums = part.Sums?.Parts;
        return new ShardPart
        {
            Sample = SampleRows.Of(part.Sample, sampleRows), Rows = part.RowCount, LargestRawRowNorm = part.LargestRawRowNorm,
            Sum = sums?.Sum ?? [], Squares = sums?.Squares ?? [], Highest = sums?.Highest ?? [], Lowest = sums?.Lowest ?? [],
        };
    }

    /// <summary>The column sums, or <see langword="null"/> when the part has none.</summary>
    internal FeatureStandardization.SparseAccumulator? Sums(int featureCount)
    {
        if (Sum.Length == 0)
            return null;
        if (Sum.Length != featureCount || Squares.Length != featureCount || Highest.Length != featureCount || Lowest.Length != featureCount)
            throw new InvalidDataException($"A shard sent column sums of {Sum.Length} features; the fit has {featureCount}.");
        return new FeatureStandardization.SparseAccumulator(Rows, Sum, Squares, Highest, Lowest);
    }
}
