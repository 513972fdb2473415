namespace MlNetGd.Cluster;

/// <summary>What the coordinator asks of a shard's survey (<c>Survey.TakePart</c> over its cache file): the storage the fit's survey
/// treats the rows in, whether it standardizes, and how many rows of the shard's evenly spaced sample go into the fit's one sample.</summary>
[GenerateSerializer, Immutable]
public sealed class PartRequest
{
    /// <summary>Gets whether the survey treats the rows as CSR: column sums over every row rather than a sample's moments (true when
    /// any shard is stored as CSR, so every shard is surveyed alike).</summary>
    [Id(0)] public required bool Sparse { get; init; }

    /// <summary>Gets whether the fit standardizes its features.</summary>
    [Id(1)] public required bool Standardize { get; init; }

    /// <summary>Gets how many sampled rows the shard sends (its share of the fit's sample, in proportion to its rows).</summary>
    [Id(2)] public required int SampleRows { get; init; }
}
