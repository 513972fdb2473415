using System.Diagnostics;
using System.Runtime.CompilerServices;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>One worker's local epoch, stepped by the core's own step engine (<see cref="StepEngine"/>, the one a local fit's session
/// steps): from the round's start, every batch of the shard at the round's rate, a batch over the round's cost limit (or not finite)
/// reported rather than stepped, and the last and averaged iterates stored.</summary>
internal static class ShardRound
{
    /// <summary>Runs epoch <c>request.Epoch</c> of <paramref name="source"/> on <paramref name="engine"/>.</summary>
    /// <exception cref="ArgumentException">The round's start is not d + 1 parameters.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a worker's first rounds would otherwise run at tier 0
    public static RoundResult Run(StepEngine engine, IBatchSource source, RoundRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int p = source.FeatureCount + 1;
        var theta = Vector.FromBytes(request.Start);
        if (theta.Length != p)
            throw new ArgumentException($"The round's start has {theta.Length} parameters; the shard has {p - 1} features, so {p} are needed.", nameof(request));
        engine.Load(theta);
        double costSum = 0, divergedCost = double.NaN;
        bool diverged = false;
        long rows = 0;
        source.BeginEpoch(request.Epoch);
        try
        {
            while (source.TryGetBatch(out RowBlock batch))
            {
                cancellationToken.ThrowIfCancellationRequested();
                double cost = engine.Step(in batch, request.LearningRate, request.CostLimit);
                if (!(double.IsFinite(cost) && cost <= request.CostLimit))
                {
                    (diverged, divergedCost) = (true, cost); // the coordinator's session decides (TrainingSession.ReportDivergedBatch)
                    break;
                }
                costSum += cost * batch.RowCount;
                rows += batch.RowCount;
            }
        }
        finally
        {
            source.EndEpoch(request.Epoch); // also after a divergence: it only waits for the block being read ahead
        }
        var average = new float[p];
        engine.Store(theta, average);
        return new RoundResult
        {
            Last = Vector.ToBytes(theta), Average = Vector.ToBytes(average), CostSum = costSum, Rows = rows, Steps = engine.Steps,
            Diverged = diverged, DivergedCost = divergedCost,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }
}
