namespace MlNetGd.Cluster;

/// <summary>A worker's answer to <see cref="IShardGrain.Setup"/>.</summary>
[GenerateSerializer, Immutable]
public sealed class SetupAnswer
{
    /// <summary>Gets the largest <c>‖x̃ᵢ‖²</c> over the shard's rows in the fit's standardized space
    /// (<c>Survey.LargestStandardizedRowNorm</c>), or NaN when it was not asked for.</summary>
    [Id(0)] public required double LargestRowNorm { get; init; }
}
