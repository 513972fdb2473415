namespace MlNetGd.Trainers.Core;

/// <summary>What one epoch stepped outside a <see cref="TrainingSession"/> did — a distributed fit's reduction of its shards' local
/// epochs: the last iterate, the average of the iterates, the row-weighted cost and the rows and steps.</summary>
/// <param name="Parameters">The epoch's last iterate θ, in the optimizer's space (d + 1 values).</param>
/// <param name="Average">The average of the epoch's iterates, in the same space (θ itself when not averaging).</param>
/// <param name="Cost">The epoch's cost: the mean of its batch costs, weighted by their rows.</param>
/// <param name="Rows">The rows the epoch trained on.</param>
/// <param name="Steps">The optimizer steps it made.</param>
public readonly ref struct EpochOutcome(ReadOnlySpan<float> Parameters, ReadOnlySpan<float> Average, double Cost, long Rows, int Steps)
{
    /// <summary>Gets the last iterate θ.</summary>
    public ReadOnlySpan<float> Parameters { get; } = Parameters;

    /// <summary>Gets the average of the iterates.</summary>
    public ReadOnlySpan<float> Average { get; } = Average;

    /// <summary>Gets the row-weighted mean batch cost.</summary>
    public double Cost { get; } = Cost;

    /// <summary>Gets the rows trained on.</summary>
    public long Rows { get; } = Rows;

    /// <summary>Gets the steps made.</summary>
    public int Steps { get; } = Steps;
}
