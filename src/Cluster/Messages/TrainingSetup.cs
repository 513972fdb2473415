namespace MlNetGd.Cluster;

/// <summary>What every worker trains with, sent once per fit: the merged per-feature sums (each worker builds the same
/// standardization from them) and the update rule's fixed settings.</summary>
[GenerateSerializer, Immutable]
public sealed class TrainingSetup
{
    /// <summary>Gets whether the optimizer works on standardized features.</summary>
    [Id(0)] public required bool Standardize { get; init; }

    /// <summary>Gets the rows of every shard of the fit.</summary>
    [Id(1)] public required long Rows { get; init; }

    /// <summary>Gets Σx per feature over every shard, added in shard order.</summary>
    [Id(2)] public required double[] Sum { get; init; }

    /// <summary>Gets Σx² per feature over every shard.</summary>
    [Id(3)] public required double[] Squares { get; init; }

    /// <summary>Gets the largest value per feature over every shard.</summary>
    [Id(4)] public required float[] Highest { get; init; }

    /// <summary>Gets the smallest value per feature over every shard.</summary>
    [Id(5)] public required float[] Lowest { get; init; }

    /// <summary>Gets λ₂ of the L2 penalty (0 = none).</summary>
    [Id(6)] public required float L2Regularization { get; init; }
}
