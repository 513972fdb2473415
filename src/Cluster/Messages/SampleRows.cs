namespace MlNetGd.Cluster;

/// <summary>Rows a worker drew from its shard's uniform sample: dense (<see cref="Dense"/>) or CSR (<see cref="RowStarts"/>,
/// <see cref="Indices"/>, <see cref="Values"/>).</summary>
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
}
