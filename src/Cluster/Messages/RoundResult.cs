namespace MlNetGd.Cluster;

/// <summary>What one worker's local epoch ended with: the last iterate, the epoch's averaged iterate (both in the optimizer's space)
/// and the figures the coordinator reduces into the session's <c>EpochOutcome</c>.</summary>
[GenerateSerializer, Immutable]
public sealed class RoundResult
{
    /// <summary>Gets the last iterate θ, as bytes (<see cref="Vector"/>).</summary>
    [Id(0)] public required byte[] Last { get; init; }

    /// <summary>Gets the average of the epoch's iterates (θ itself when not averaging), as bytes.</summary>
    [Id(1)] public required byte[] Average { get; init; }

    /// <summary>Gets Σ (batch cost × batch rows) over the epoch, each cost taken before its step.</summary>
    [Id(2)] public required double CostSum { get; init; }

    /// <summary>Gets the rows trained on.</summary>
    [Id(3)] public required long Rows { get; init; }

    /// <summary>Gets the optimizer steps made.</summary>
    [Id(4)] public required int Steps { get; init; }

    /// <summary>Gets whether a batch diverged (its cost was not finite or above the request's limit); the round stopped there.</summary>
    [Id(5)] public required bool Diverged { get; init; }

    /// <summary>Gets the seconds the worker computed (the epoch, without the messages).</summary>
    [Id(6)] public required double Seconds { get; init; }

    /// <summary>Gets the cost of the batch that diverged (NaN or infinite when it was not finite); NaN when none did.</summary>
    [Id(7)] public double DivergedCost { get; init; } = double.NaN;
}
