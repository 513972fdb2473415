using System.CommandLine;
using MlNetGd.Cluster;

namespace MlNetGd.Cli.Commands;

/// <summary>The options 'train' takes to train on a cluster of workers (<c>--cluster</c> and what goes with it).</summary>
internal sealed class ClusterOptions
{
    public Option<string?> Cluster { get; } = new Option<string?>("--cluster")
    {
        HelpName = "HOST:GATEWAY[,...]",
        Description = "Train on these workers ('mlnetgd worker'), through their gateways: --data then lists one shard file per worker, " +
            "comma-separated, each a path on its worker's machine (shard i goes to worker i mod k).",
    }.Check(text => text is null ? null : WorkerCommand.Problem(() => ClusterEndpoints.ParseList(text, "--cluster")));

    public Option<double> FaultTimeout { get; } = new Option<double>("--fault-timeout")
    {
        HelpName = "SECONDS",
        Description = "With --cluster: how long a worker may stay silent before the fit ends with an error naming it and its shards (no model is written).",
        DefaultValueFactory = _ => DistributedOptions.DefaultFaultTimeout.TotalSeconds,
    }.Allow(s => s is >= 1 and <= 3600, "must be in range [1, 3600]");

    public Option<bool> ContinueWithoutLostShards { get; } = new("--continue-without-lost-shards")
    { Description = "With --cluster: when a worker is lost, go on without its shards (the summary says which) instead of ending the fit." };

    public Option<string?> Checkpoint { get; } = new("--checkpoint")
    { HelpName = "FILE", Description = "With --cluster: log the fit's state after every round (appended, checksummed); the same command started again resumes after the last whole round." };

    public Option<string?> TlsCertificate { get; } = TlsCertificateOption();

    public static Option<string?> TlsCertificateOption() => new("--tls-certificate")
    {
        HelpName = "FILE",
        Description = $"The cluster's certificate (.pfx with its private key; password in {ClusterTls.PasswordVariable}): mutual TLS, and only peers holding this certificate are accepted. Every worker and 'train --cluster' must give the same file.",
    };

    /// <summary>With --cluster, the one sameness rule (<see cref="PathRules"/>) over each shard of --data (compared as a path on this
    /// machine: workers here read these very files), --model and --checkpoint.</summary>
    public void AddSamenessRule(Command command, CommonOptions common, Option<string> model) =>
        command.AddSamenessRule(result => result.GetValue(Cluster) is null ? []
            : Shards(result.GetValue(common.Data) ?? "").Select(shard => (common.Data.Name, (string?)shard, PathRules.Role.Input))
                .Append((model.Name, result.GetValue(model), PathRules.Role.OutputFile))
                .Append((Checkpoint.Name, result.GetValue(Checkpoint), PathRules.Role.OutputFile)));

    /// <summary>The shard files --data lists, comma-separated.</summary>
    public static string[] Shards(string data) => data.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void AddTo(Command command)
    {
        command.Add(Cluster);
        command.Add(FaultTimeout);
        command.Add(ContinueWithoutLostShards);
        command.Add(Checkpoint);
        command.Add(TlsCertificate);
    }
}
