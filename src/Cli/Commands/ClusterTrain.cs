using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Cluster;
using MlNetGd.IO;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd train --cluster</c>: the featurization fitted once on a sample the workers send, the fit on the workers (one
/// shard per file), and the same model file a local train writes (featurization + linear model), written only when the fit succeeds.</summary>
internal static class ClusterTrain
{
    /// <summary>How long connecting to the gateways may take.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static int Run(ParseResult parse, CommonOptions common, ClusterOptions cluster, string modelPath, bool explain, TextWriter stdout, TextWriter stderr)
    {
        string label = common.LabelOf(parse);
        var gateways = ClusterEndpoints.ParseList(parse.GetValue(cluster.Cluster)!, "--cluster");
        var shards = ClusterOptions.Shards(common.DataPath(parse));
        if (!parse.GetValue(common.HasHeader))
            throw new ArgumentException("--cluster needs shard files with a header line (--has-header true): the workers find the columns by name.");
        var local = common.GradientDescent(parse, label);
        string? checkpoint = parse.GetValue(cluster.Checkpoint);
        if (checkpoint is not null)
            AtomicFile.Check(checkpoint, "--checkpoint");
        using var sink = common.Progress(parse, stderr, "train");
        var progress = sink.Status;
        var options = new DistributedOptions(local)
        {
            Workers = gateways.Select(g => g.ToString()).ToArray(),
            FaultTimeout = TimeSpan.FromSeconds(parse.GetValue(cluster.FaultTimeout)),
            ContinueWithoutLostShards = parse.GetValue(cluster.ContinueWithoutLostShards),
            CheckpointFile = checkpoint,
            EpochCompleted = progress is null ? null : e => progress(string.Create(CultureInfo.InvariantCulture,
                $"round {e.Epoch}: training cost {e.TrainingCost:G6}, learning rate {e.LearningRate:G4}")),
        };
        try
        {
            return RunAsync(parse, common, cluster, gateways, shards, options, modelPath, explain, stdout, sink).GetAwaiter().GetResult();
        }
        catch (WorkerLostException e)
        {
            throw new IOException(e.Message, e);
        }
        catch (ShardDataException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    private static async Task<int> RunAsync(ParseResult parse, CommonOptions common, ClusterOptions cluster, System.Net.IPEndPoint[] gateways, string[] shards,
        DistributedOptions options, string modelPath, bool explain, TextWriter stdout, ProgressSink sink)
    {
        string label = common.LabelOf(parse);
        sink.Status?.Invoke($"connecting to {string.Join(", ", gateways.Select(g => g.ToString()))}");
        await using var connection = await ClusterConnection.ConnectAsync(gateways, ConnectTimeout, parse.GetValue(cluster.TlsCertificate));
        sink.Status?.Invoke("sampling the shards for the featurization");
        var featurization = await ClusterFeaturization.FitAsync(connection.Client, shards, label, common.Overrides(parse), common.SeparatorChar(parse), options);
        if (explain)
            stdout.WriteLine($"(on a sample of the shards) {featurization.Plan}");
        sink.Status?.Invoke($"reading {shards.Length} shard(s) on their workers");
        var fit = await DistributedGradientDescent.FitAsync(connection.Client, shards, featurization.Format, options);
        var ml = new MLContext(options.Seed);
        var model = new TransformerChain<ITransformer>(featurization.Featurizer, fit.Model);
        ModelFiles.Save(ml, model, featurization.InputSchema, modelPath);
        sink.Dispose();   // clears the status line before the summary
        long dropped = fit.Shards.Sum(s => s.DroppedRows);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained on {fit.RowCount} rows in {fit.Shards.Count} shards on {fit.Shards.Select(s => s.Worker).Distinct().Count()} workers") +
            (dropped > 0 ? $" ({dropped} without a label dropped)" : "") + $", label '{label}'.");
        stdout.WriteLine($"{fit}; final training RMSE {Math.Sqrt(fit.History.FinalCost).ToString("G5", CultureInfo.InvariantCulture)}.");
        foreach (var lost in fit.LostShards)
            stdout.WriteLine($"Warning: shard '{lost.Path}' was left out from round {lost.Round} on: its worker {lost.Worker} was lost.");
        stdout.WriteLine($"Model saved to {modelPath}.");
        return CliRunner.Ok;
    }
}
