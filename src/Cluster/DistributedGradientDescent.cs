using System.Diagnostics;
using System.Net;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Trains MlNetGd's linear regression on an Orleans cluster, one shard per file, each read once by its worker into that worker's
/// own cache file: synchronous data-parallel local SGD with one reduction per round, decided by the same <see cref="TrainingSession"/>
/// a local fit runs.</summary>
/// <remarks>
/// <para>Per fit: every worker reads its shard through the door a local fit from a cache file uses (<see cref="IShardGrain.Prepare"/>),
/// and takes its part of the survey (<see cref="Survey.TakePart"/>); the coordinator merges the parts in shard order into the fit's one
/// survey (<see cref="SurveyMerge"/>) and starts the session on it (<see cref="TrainingSession.Start(GradientDescentSettings, Survey, long, LinearModel, IOptimizer?, RowSourceInfo?)"/>:
/// the rate, the divergence scale). Per round: every worker runs one local epoch with the core's step engine from
/// <see cref="TrainingSession.NextEpochParameters"/> at <see cref="TrainingSession.LearningRate"/> (<see cref="ShardRound"/>); the
/// coordinator takes the row-weighted averages of the last and averaged iterates and of the cost, adding in shard order
/// (<see cref="RoundReduction"/>), and the session closes the epoch on them (<see cref="TrainingSession.EndEpoch(in EpochOutcome, RowBlock)"/>):
/// the same history, divergence guard, schedule, annealing and stopping rule as a local fit; a worker's diverged batch goes to
/// <see cref="TrainingSession.ReportDivergedBatch"/>. One seed and one shard layout give the same model bit for bit; one shard gives the
/// local fit from a cache file of the same rows. Only parameter vectors cross the network: 3(d + 1) floats per worker per round.</para>
/// <para>Faults: every wait pings the workers that have not answered; one that stays silent for <see cref="DistributedOptions.FaultTimeout"/>
/// ends the fit with <see cref="WorkerLostException"/> (no model), or is left out with its shards
/// (<see cref="DistributedOptions.ContinueWithoutLostShards"/>). With <see cref="DistributedOptions.CheckpointFile"/> what the session was
/// told is written after each round (<see cref="Checkpoint"/>), and the same fit started again resumes there.</para>
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

    /// <summary>Returns, per shard, its header and up to <paramref name="linesPerShard"/> of its data records drawn uniformly with the
    /// options' seed, read on the shard's worker (for fitting the featurization: <see cref="ClusterFeaturization"/>); a record whose quoted
    /// fields hold line breaks is one string holding them.</summary>
    /// <exception cref="ShardDataException">A file is missing, empty or unreadable on its worker.</exception>
    /// <exception cref="WorkerLostException">A worker was lost.</exception>
    public static async Task<IReadOnlyList<string[]>> SampleLinesAsync(IClusterClient client, IReadOnlyList<string> shards, DistributedOptions options,
        int linesPerShard, char separator)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(options);
        var handles = await Handles(client, shards, options);
        try
        {
            var (answers, failures) = await new Watchdog(options.FaultTimeout).CallAll(handles,
                h => h.Grain.SampleLines(h.Path, linesPerShard, unchecked(options.Seed * 31 + h.Index), separator), CancellationToken.None);
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
        var workers = await Workers(client, options.Workers, options.FaultTimeout);
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
        int d = format.FeatureCount;
        var summaries = await Each(handles, watchdog, options, lost, 0, h => h.Grain.Prepare(new ShardJob
        {
            ShardIndex = h.Index, Path = h.Path, Format = format, Seed = options.Seed, BatchSize = options.BatchSize, Shuffle = options.Shuffle,
        }), cancellationToken);
        var survey = await SurveyAsync(handles, summaries, d, options, watchdog, lost, cancellationToken);

        // The session a local fit runs, deciding on the reduced rounds; a checkpoint tells it again what it was told before.
        bool replaying = false;
        var settings = options with { EpochCompleted = e => { if (!replaying) options.EpochCompleted?.Invoke(e); } };
        var model = new LinearModel(d);
        var session = TrainingSession.Start(settings, survey, handles.Min(h => summaries[h.Index].SmallestBatch), model, optimizer: null,
            new RowSourceInfo(RowSource.CacheFile));
        string key = Checkpoint.KeyOf(all.Select(h => h.Path).ToArray(), format, summaries.Values.Sum(s => s.Rows), options);
        var checkpoint = options.CheckpointFile is null ? null : Checkpoint.Load(options.CheckpointFile, key, d + 1) ?? Checkpoint.Start(key, d + 1);
        int resumedAfter = checkpoint?.Rounds ?? 0;
        replaying = true;
        checkpoint?.Replay(session);
        replaying = false;

        var reports = new List<RoundReport>();
        while (!session.IsFinished)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = new RoundRequest
            {
                Epoch = session.Epoch, Start = Vector.ToBytes(session.NextEpochParameters), LearningRate = session.LearningRate, CostLimit = session.BatchCostLimit,
            };
            var clock = Stopwatch.StartNew();
            var answers = await Each(handles, watchdog, options, lost, request.Epoch, h => h.Grain.RunRound(request), cancellationToken);
            double answered = clock.Elapsed.TotalSeconds;
            var results = handles.Select(h => answers[h.Index]).ToArray();
            if (results.FirstOrDefault(r => r.Diverged) is { } diverged)
            {
                session.ReportDivergedBatch(diverged.DivergedCost); // throws, or halves the rate and goes back: the round runs again
                checkpoint?.AddDivergedBatch(diverged.DivergedCost);
                continue;
            }
            var round = RoundReduction.Of(results, d + 1);
            EndEpoch(session, round, d);
            double seconds = clock.Elapsed.TotalSeconds;
            reports.Add(new RoundReport(request.Epoch, seconds, results.Max(r => r.Seconds), seconds - answered,
                (long)results.Length * (3L * (d + 1) * sizeof(float) + 64), results.Length));
            checkpoint?.AddRound(round);
            checkpoint?.Save(options.CheckpointFile!);
        }

        var ml = new MLContext(options.Seed);
        var featurizer = ml.Model.Load(new MemoryStream(format.Featurizer, writable: false), out var inputSchema);
        var featureColumn = featurizer.GetOutputSchema(inputSchema)[format.FeatureColumnName];
        var predictor = LinearModelFactory.Create(ml, model.Weights, model.Bias, format.LabelColumnName, featureColumn);
        var kept = all.Where(h => summaries.ContainsKey(h.Index)).ToArray();
        return new DistributedFit(predictor, session.ToHistory(), reports, kept.Select(h => summaries[h.Index]).ToArray(), kept.Select(h => h.Path).ToArray(),
            lost, resumedAfter);
    }

    // The survey: each shard's part (its share of the one sample, its sums), merged in shard order into the fit's one standardization,
    // which every worker is then given (and with which CSR shards measure their largest row). A worker lost on the way changes the
    // shares: the survey starts again without it.
    private static async Task<Survey> SurveyAsync(List<ShardHandle> handles, Dictionary<int, ShardSummary> summaries, int d, DistributedOptions options,
        Watchdog watchdog, List<LostShard> lost, CancellationToken cancellationToken)
    {
        while (true)
        {
            int before = handles.Count;
            bool sparse = handles.Any(h => summaries[h.Index].IsSparse); // every shard surveyed alike, as CSR if any is stored so
            var rows = handles.Select(h => summaries[h.Index].Rows).ToArray();
            var shares = SurveyMerge.Shares(rows, Survey.SampleRowCount(rows.Sum(), d, sparse));
            var share = handles.Select((h, i) => (h.Index, Rows: shares[i])).ToDictionary(s => s.Index, s => s.Rows);
            var parts = await Each(handles, watchdog, options, lost, 0,
                h => h.Grain.Part(new PartRequest { Sparse = sparse, Standardize = options.StandardizeFeatures, SampleRows = share[h.Index] }), cancellationToken);
            if (handles.Count != before)
                continue;
            var merged = SurveyMerge.Merge(handles.Select(h => parts[h.Index]).ToArray(), d, sparse);
            var standardization = Survey.Standardize(merged, options.StandardizeFeatures);
            var setup = TrainingSetup.Of(standardization, options, measureLargestRow: sparse && standardization is not null);
            var answers = await Each(handles, watchdog, options, lost, 0, h => h.Grain.Setup(setup), cancellationToken);
            if (handles.Count == before)
                return SurveyMerge.Create(merged, standardization, sparse, answers.Values.Select(a => a.LargestRowNorm));
        }
    }

    // The round, reduced, closed by the session (outside the async method: the outcome is a ref struct).
    private static void EndEpoch(TrainingSession session, RoundReduction round, int featureCount) =>
        session.EndEpoch(new EpochOutcome(round.Parameters, round.Average, round.Cost, round.Rows, round.Steps), RowBlock.Dense([], [], featureCount));

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
    private static async Task<IReadOnlyList<string>> Workers(IClusterClient client, IReadOnlyList<string>? named, TimeSpan timeout)
    {
        MembershipEntry[] hosts;
        try
        {
            // Bounded like every other wait of a fit: the client's own response timeout is an hour (a worker's epoch may take long).
            hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true).WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new IOException($"The cluster did not list its workers within {timeout.TotalSeconds:0.#} s (the fault timeout); is its primary worker running?", e);
        }
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
