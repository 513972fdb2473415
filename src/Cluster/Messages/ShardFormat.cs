namespace MlNetGd.Cluster;

/// <summary>How every worker reads and featurizes its shard files: the text format, the columns, and the featurization fitted once by
/// the coordinator, shipped as the bytes of <c>ml.Model.Save</c> so every shard gets the same one-hot vocabulary and slot order.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardFormat
{
    /// <summary>Gets the field separator.</summary>
    [Id(0)] public required char Separator { get; init; }

    /// <summary>Gets whether each shard file starts with a header line naming the columns.</summary>
    [Id(1)] public bool HasHeader { get; init; } = true;

    /// <summary>Gets the columns read from every shard (the label among them), found by name in each file's header.</summary>
    [Id(2)] public required ShardColumn[] Columns { get; init; }

    /// <summary>Gets the label column (a number; rows whose label is empty are dropped and counted).</summary>
    [Id(3)] public required string LabelColumnName { get; init; }

    /// <summary>Gets the feature column the featurizer produces (a known-size vector of Single).</summary>
    [Id(4)] public required string FeatureColumnName { get; init; }

    /// <summary>Gets the featurizer, saved by <c>ml.Model.Save</c> with the schema of <see cref="Columns"/>.</summary>
    [Id(5)] public required byte[] Featurizer { get; init; }

    /// <summary>Gets the number of features the featurizer produces, which every shard must reproduce.</summary>
    [Id(6)] public required int FeatureCount { get; init; }

    /// <summary>Gets the hash of the feature column's slot names (<c>CacheFileSchema.HashSlotNames</c>), which every shard must
    /// reproduce: the same slots in the same order.</summary>
    [Id(7)] public required ulong SlotNameHash { get; init; }
}
