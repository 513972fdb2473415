using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Everything <see cref="RoundPolicy"/> has decided so far: kept in the checkpoint, so a resumed fit decides as the
/// uninterrupted one would.</summary>
internal sealed record PolicyState
{
    public IReadOnlyList<EpochRecord> Records { get; init; } = [];

    public double FirstCost { get; init; } = double.NaN;

    public double BestCost { get; init; } = double.PositiveInfinity;

    public long StepsSinceImprovement { get; init; }

    public int Annealings { get; init; }

    public double AnnealedCost { get; init; }

    public double SampleCostAtBest { get; init; } = double.NaN;

    public double LastSampleCost { get; init; } = double.NaN;

    public double RateScale { get; init; } = 1;

    public int Recoveries { get; init; }

    public int RecoveriesThisRound { get; init; }

    public StopReason? StopReason { get; init; }
}
