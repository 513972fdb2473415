namespace MlNetGd.Cluster;

/// <summary>One column a worker loads from its shard file: its name, and whether it is read as a number (Single) or as text.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardColumn
{
    /// <summary>Gets the column name, as the file's header spells it.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Gets whether the column is read as a number (Single, empty cells NaN) rather than as text.</summary>
    [Id(1)] public required bool IsNumber { get; init; }
}
