namespace MlNetGd.Cluster;

/// <summary>One round of the fit for one worker: a local epoch of its shard from the session's next start, at its rate.</summary>
[GenerateSerializer, Immutable]
public sealed class RoundRequest
{
    /// <summary>Gets the epoch (round) number, from 1; the shard's batch order is drawn from it.</summary>
    [Id(0)] public required int Epoch { get; init; }

    /// <summary>Gets the starting parameters θ = [v, c] in the optimizer's space (d + 1 values, <c>TrainingSession.NextEpochParameters</c>),
    /// as bytes (<see cref="Vector"/>).</summary>
    [Id(1)] public required byte[] Start { get; init; }

    /// <summary>Gets the learning rate of the round (<c>TrainingSession.LearningRate</c>).</summary>
    [Id(2)] public required float LearningRate { get; init; }

    /// <summary>Gets the batch cost above which the worker stops the round as diverged (<c>TrainingSession.BatchCostLimit</c>; a
    /// non-finite cost always does).</summary>
    [Id(3)] public required double CostLimit { get; init; }
}
