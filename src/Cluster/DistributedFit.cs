using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The outcome of a distributed fit: ML.NET's own model (as a local fit returns it), the history the coordinator decided on,
/// and what each round and shard cost.</summary>
public sealed class DistributedFit
{
    internal DistributedFit(RegressionPredictionTransformer<LinearRegressionModelParameters> model, TrainingHistory history,
        IReadOnlyList<RoundReport> rounds, IReadOnlyList<ShardSummary> shards, IReadOnlyList<string> shardPaths, IReadOnlyList<LostShard> lost, int resumedAfter)
    {
        Model = model;
        History = history;
        Rounds = rounds;
        Shards = shards;
        ShardPaths = shardPaths;
        LostShards = lost;
        ResumedAfterRound = resumedAfter;
    }

    /// <summary>Gets the model: Evaluate, Save, ConvertToOnnx and predict work as for a local fit.</summary>
    public RegressionPredictionTransformer<LinearRegressionModelParameters> Model { get; }

    /// <summary>Gets the per-round history, decided on the reduced figures.</summary>
    public TrainingHistory History { get; }

    /// <summary>Gets what each round this run made cost.</summary>
    public IReadOnlyList<RoundReport> Rounds { get; }

    /// <summary>Gets what each worker found in its shard, in shard order.</summary>
    public IReadOnlyList<ShardSummary> Shards { get; }

    /// <summary>Gets the shard files, in shard order.</summary>
    public IReadOnlyList<string> ShardPaths { get; }

    /// <summary>Gets the shards the fit went on without.</summary>
    public IReadOnlyList<LostShard> LostShards { get; }

    /// <summary>Gets the round after which this run resumed from a checkpoint (0: it started from the beginning).</summary>
    public int ResumedAfterRound { get; }

    /// <summary>Gets the training rows of every shard.</summary>
    public long RowCount => Shards.Sum(s => s.Rows);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{History}; {Shards.Count} shards on {Shards.Select(s => s.Worker).Distinct().Count()} workers, {RowCount} rows") +
        (ResumedAfterRound > 0 ? $"; resumed after round {ResumedAfterRound}" : "") +
        string.Concat(LostShards.Select(l => $"; shard '{l.Path}' left out from round {l.Round} (worker {l.Worker} lost)"));
}
