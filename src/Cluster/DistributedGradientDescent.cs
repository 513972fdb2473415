using System.Diagnostics;
using System.Net;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Trains MlNetGd's linear regression on an Orleans cluster, one shard per file, each read once by its worker into that worker's
/// own cache file: synchronous data-parallel local SGD with one reduction per round.</summary>
/// <remarks>
/// <para>Per fit: every worker reads its shard (<see cref="IShardGrain.Prepare"/>) and surveys it; the coordinator merges the surveys, in
/// shard order, into one standardization and one automatic rate (<see cref="ClusterSurvey"/>). Per round: every worker runs one local
/// epoch of the same plain SGD from the same start at the same rate (<see cref="ShardEpoch"/>); the coordinator takes the row-weighted
/// average of the last iterates (the next start) and of the averaged iterates (the returned model), adding in shard order, so one seed
/// and one shard layout give the same model bit for bit; the stopping rule and the divergence guard decide on the reduced figures
/// (<see cref="RoundPolicy"/>). Only parameter vectors cross the network: 3(d + 1) floats per worker per round.</para>
/// <para>Faults: every wait pings the workers that have not answered; one that stays silent for <see cref="DistributedOptions.FaultTimeout"/>
/// ends the fit with <see cref="WorkerLostException"/> (no model), or is left out with its shards
/// (<see cref="DistributedOptions.ContinueWithoutLostShards"/>). With <see cref="DistributedOptions.CheckpointFile"/> the state after each
/// round is written atomically, and the same fit started again resumes there.</para>
/// </remarks>
public static class DistributedGradientDescent
{
    /// <summary>Trains on the shards and returns ML.NET's model; blocks until the fit ends.</summary>
    /// <inheritdoc cref="FitAsync"/>
    public static DistributedFit Fit(IClusterClient client, IReadOnlyList<string> shards, ShardFormat format, DistributedOptions options,
        CancellationToken cancellationToken = default) =>
        FitAsync(client, shards, format, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Trains on the shards and returns ML.NET's model.</summary>
    /// <param name="client">A client connected to the cluster.</param>
    /// <param name="shards">The shard files, paths on their workers' machines; shard <c>i</c> goes to worker <c>i mod k</c>.</param>
    /// <param name="format">How the shard files are read and featurized (the featurizer is fitted by the caller, once).</param>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Checked between rounds and while waiting.</param>
    /// <exception cref="ArgumentException">An option is not supported, or a worker named in the options is not in the cluster.</exception>
    /// <exception cref="ShardDataException">A worker refused its shard (the message names the file).</exception>
    /// <exception cref="WorkerLostException">A worker was lost; no model.</exception>
    /// <exception cref="TrainingDivergedException">The fit diverged; no model.</exception>
    /// <exception cref="InvalidDataException">The checkpoint file belongs to another fit or is not one.</exception>
    public static async Task<DistributedFit> FitAsync(IClusterClient client, IReadOnlyList<string> shards, ShardFormat format, DistributedOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var handles = await Handles(client, shards, options);
        var watchdog = new Watchdog(options.FaultTimeout);
        var lost = new List<LostShard>();
        try
        {
            return await Run(handles, format, options, watchdog, lost, cancellationToken);
        }
        finally
        {
            await Release(handles.ToList(), options);
        }
    }

    /// <summary>Returns, per shard, its header line and up to <paramref name="linesPerShard"/> of its data lines drawn uniformly with the
    /// options' seed, read on the shard's worker (for fitting the featurization: <see cref="ClusterFeaturization"/>).</summary>
    /// <exception cref="ShardDataException">A file is missing, empty or unreadable on its worker.</exception>
    /// <exception cref="WorkerLostException">A worker was lost.</exception>
    public static async Task<IReadOnlyList<string[]>> SampleLinesAsync(IClusterClient client, IReadOnlyList<string> shards, DistributedOptions options,
        int linesPerShard)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(options);
        var handles = await Handles(client, shards, options);
        try
        {
            var (answers, failures) = await new Watchdog(options.FaultTimeout).CallAll(handles,
                h => h.Grain.SampleLines(h.Path, linesPerShard, unchecked(options.Seed * 31 + h.Index)), CancellationToken.None);
            if (failures.Length > 0)
            {
                var (shard, cause, error) = failures[0];
                throw new WorkerLostException(shard.Worker, handles.Where(h => h.Worker == shard.Worker).Select(h => h.Path).ToArray(), 0, cause, error);
            }
            return answers!;
        }
        finally
        {
            await Release(handles, options);
        }
    }

    private static async Task<List<ShardHandle>> Handles(IClusterClient client, IReadOnlyList<string> shards, DistributedOptions options)
    {
        if (shards.Count == 0)
            throw new ArgumentException("No shard was given: name at least one file.", nameof(shards));
        var workers = await Workers(client, options.Workers);
        string fit = Guid.NewGuid().ToString("N");
        return shards.Select((path, i) =>
        {
            string worker = workers[i % workers.Count];
            return new ShardHandle(i, path, worker, client.GetGrain<IShardGrain>(ShardKey.Create(fit, i, worker)));
        }).ToList();
    }

    private static Task Release(List<ShardHandle> handles, DistributedOptions options) =>
        Task.WhenAll(handles.Select(h => h.Grain.Release().WaitAsync(options.FaultTimeout).ContinueWith(_ => { }, TaskScheduler.Default)));

    private static async Task<DistributedFit> Run(List<ShardHandle> handles, ShardFormat format, DistributedOptions options, Watchdog watchdog,
        List<LostShard> lost, CancellationToken cancellationToken)
    {
        var all = handles.ToList();
        int threads = options.NumberOfThreads ?? 0;
        var summaries = await Each(handles, watchdog, options, lost, 0, h => h.Grain.Prepare(new ShardJob
        {
            ShardIndex = h.Index, Path = h.Path, Format = format, Seed = options.Seed, BatchSize = options.BatchSize, Shuffle = options.Shuffle,
            NumberOfThreads = threads,
        }), cancellationToken);

        // The survey: each shard's share of the one sample, then the one standardization and rate.
        var start = new LinearModel(format.FeatureCount);
        ClusterSurvey survey;
        while (true)
        {
            var counts = ClusterSurvey.SampleCounts(handles.Select(h => summaries[h.Index].Rows).ToArray(),
                ClusterSurvey.Capacity(format.FeatureCount, handles.Any(h => summaries[h.Index].IsSparse)));
            var before = handles.Count;
            var shares = handles.Select((h, i) => (h.Index, Count: counts[i])).ToDictionary(x => x.Index, x => x.Count);
            var samples = await Each(handles, watchdog, options, lost, 0, h => h.Grain.Sample(shares[h.Index]), cancellationToken);
            if (handles.Count != before)
                continue; // a worker was lost: the shares change
            survey = ClusterSurvey.Merge(handles.Select(h => summaries[h.Index]).ToArray(), handles.Select(h => samples[h.Index]).ToArray(), options, start);
            await Each(handles, watchdog, options, lost, 0, async h =>
            {
                await h.Grain.Setup(survey.Setup);
                return "";
            }, cancellationToken);
            if (handles.Count == before)
                break;
        }

        long rows = summaries.Values.Sum(s => s.Rows);
        string key = Checkpoint.KeyOf(all.Select(h => h.Path).ToArray(), format, rows, options);
        var resumed = options.CheckpointFile is null ? null : Checkpoint.Load(options.CheckpointFile, key);
        var policy = new RoundPolicy(options, survey, resumed?.Policy);
        int p = format.FeatureCount + 1;
        float[] next = resumed?.Next ?? StandardizedStart(survey.Standardization, start);
        float[] returned = resumed?.Returned ?? (float[])start.Parameters.Clone();
        var reports = new List<RoundReport>();
        while (!policy.IsFinished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int epoch = policy.Epoch;
            var request = new RoundRequest { Epoch = epoch, Start = Vector.ToBytes(next), LearningRate = policy.LearningRate, DivergenceCost = policy.DivergenceCost };
            var clock = Stopwatch.StartNew();
            var results = await Each(handles, watchdog, options, lost, epoch, h => h.Grain.RunRound(request), cancellationToken);
            var answered = clock.Elapsed.TotalSeconds;
            var round = handles.Select(h => (Rows: summaries[h.Index].Rows, Result: results[h.Index])).ToArray();
            if (round.FirstOrDefault(r => r.Result.Diverged) is { Result: not null } diverged)
            {
                policy.Diverged(diverged.Result.DivergedCost);
                continue;
            }
            var (last, average, cost, steps) = Reduce(round, p);
            var model = options.Averaged ? average : last;
            var raw = new float[p];
            if (survey.Standardization is null)
                model.CopyTo(raw, 0);
            else
                survey.Standardization.ToRaw(model, raw);
            if (policy.EndRound(cost, steps, raw, last))
                continue;
            (next, returned) = (last, raw);
            double seconds = clock.Elapsed.TotalSeconds;
            reports.Add(new RoundReport(epoch, seconds, round.Max(r => r.Result.Seconds), seconds - answered, (long)round.Length * (3L * p * sizeof(float) + 64),
                round.Length));
            if (options.CheckpointFile is not null)
                new Checkpoint(key, next, returned, policy.State).Save(options.CheckpointFile);
        }

        var ml = new MLContext(options.Seed);
        var featurizer = ml.Model.Load(new MemoryStream(format.Featurizer, writable: false), out var inputSchema);
        var featureColumn = featurizer.GetOutputSchema(inputSchema)[format.FeatureColumnName];
        var predictor = LinearModelFactory.Create(ml, returned.AsSpan(0, p - 1), returned[p - 1], format.LabelColumnName, featureColumn);
        return new DistributedFit(predictor, policy.ToHistory(), reports, all.Where(h => summaries.ContainsKey(h.Index)).Select(h => summaries[h.Index]).ToArray(),
            all.Where(h => summaries.ContainsKey(h.Index)).Select(h => h.Path).ToArray(), lost,
            resumed?.Policy.Records.Count ?? 0);
    }

    // The row-weighted averages of the last and averaged iterates, and the row-weighted cost, added in shard order (double).
    private static (float[] Last, float[] Average, double Cost, int Steps) Reduce((long Rows, RoundResult Result)[] round, int p)
    {
        double total = round.Sum(r => (double)r.Rows);
        var last = new double[p];
        var average = new double[p];
        double costSum = 0, costRows = 0;
        foreach (var (rows, result) in round)
        {
            double weight = rows / total;
            ReadOnlySpan<float> shardLast = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(result.Last);
            ReadOnlySpan<float> shardAverage = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(result.Average);
            for (int j = 0; j < p; j++)
            {
                last[j] += weight * shardLast[j];
                average[j] += weight * shardAverage[j];
            }
            costSum += result.CostSum;
            costRows += result.Rows;
        }
        return (Array.ConvertAll(last, v => (float)v), Array.ConvertAll(average, v => (float)v), costSum / costRows, round.Sum(r => r.Result.Batches));
    }

    private static float[] StandardizedStart(FeatureStandardization? standardization, LinearModel start)
    {
        var theta = (float[])start.Parameters.Clone();
        standardization?.FromRaw(start.Parameters, theta);
        return theta;
    }

    // Calls every live shard; a lost worker ends the fit, or (ContinueWithoutLostShards) its shards leave the list.
    // Returns the answers by shard index.
    private static async Task<Dictionary<int, T>> Each<T>(List<ShardHandle> handles, Watchdog watchdog, DistributedOptions options, List<LostShard> lost,
        int round, Func<ShardHandle, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        var (answers, failures) = await watchdog.CallAll(handles, call, cancellationToken);
        var result = new Dictionary<int, T>();
        for (int i = 0; i < handles.Count; i++)
        {
            if (answers[i] is { } answer)
                result[handles[i].Index] = answer;
        }
        foreach (var group in failures.GroupBy(f => f.Shard.Worker))
        {
            var (_, cause, error) = group.First();
            var theirs = handles.Where(h => h.Worker == group.Key).ToList();
            if (!options.ContinueWithoutLostShards)
                throw new WorkerLostException(group.Key, theirs.Select(h => h.Path).ToArray(), round, cause, error);
            foreach (var h in theirs)
            {
                lost.Add(new LostShard(h.Index, h.Path, h.Worker, round));
                handles.Remove(h);
                result.Remove(h.Index);
            }
        }
        if (handles.Count == 0)
            throw new InvalidOperationException($"Every worker was lost ({string.Join(", ", lost.Select(l => l.Worker).Distinct())}); no model was written.");
        return result;
    }

    // The workers of the fit, by silo endpoint: the ones the options name (a silo or gateway endpoint each), or every active silo.
    private static async Task<IReadOnlyList<string>> Workers(IClusterClient client, IReadOnlyList<string>? named)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        var active = hosts.Where(h => h.Status == SiloStatus.Active).OrderBy(h => h.SiloAddress.Endpoint.ToString(), StringComparer.Ordinal).ToArray();
        if (active.Length == 0)
            throw new InvalidOperationException("The cluster has no active worker.");
        if (named is null)
            return active.Select(h => h.SiloAddress.Endpoint.ToString()).ToArray();
        var result = new List<string>();
        foreach (string name in named)
        {
            var endpoint = ClusterEndpoints.Parse(name, "Workers");
            var host = active.FirstOrDefault(h => h.SiloAddress.Endpoint.Equals(endpoint)
                || (h.SiloAddress.Endpoint.Address.Equals(endpoint.Address) && h.ProxyPort == endpoint.Port));
            result.Add(host?.SiloAddress.Endpoint.ToString() ?? throw new ArgumentException(
                $"The worker {name} is not an active silo of the cluster; its active silos are {string.Join(", ", active.Select(h => $"{h.SiloAddress.Endpoint} (gateway port {h.ProxyPort})"))}.",
                nameof(DistributedOptions.Workers)));
        }
        return result;
    }
}
