using Microsoft.Extensions.Logging;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The worker's side of one shard (<see cref="IShardGrain"/>): its cache file, its survey and its local epochs. Heavy work
/// runs off the grain's scheduler, so <see cref="Ping"/> answers while an epoch runs.</summary>
[ShardPlacement]
internal sealed class ShardGrain(WorkerSettings settings, ILocalSiloDetails silo, ILogger<ShardGrain> logger) : Grain, IShardGrain
{
    private ShardJob? _job;
    private CacheFileReader? _reader;
    private CacheFileBatchSource? _batches;
    private ShardSurvey? _survey;
    private ShardEpoch? _epoch;
    private ShardSummary? _summary;
    private string? _cachePath;

    public async Task<ShardSummary> Prepare(ShardJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_summary is not null && _job is not null && _job.Path == job.Path && _job.ShardIndex == job.ShardIndex)
            return _summary; // a repeated call after a lost answer
        Close();
        Directory.CreateDirectory(settings.WorkDirectory);
        _cachePath = Path.Combine(settings.WorkDirectory, $"shard-{this.GetPrimaryKeyString().Split('@')[0].Replace('/', '-')}-{Environment.ProcessId}.cache");
        logger.LogInformation("Reading shard {Shard} from {Path} into {Cache}", job.ShardIndex, job.Path, _cachePath);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int seed = ShardReader.ShardSeed(job);
        (_reader, long dropped, _survey) = await Task.Run(() =>
        {
            var (reader, dropped) = ShardReader.Write(job, _cachePath, CancellationToken.None);
            try
            {
                return (reader, dropped, ShardSurvey.Run(reader, seed, CancellationToken.None));
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        });
        _batches = new CacheFileBatchSource(_reader, job.BatchSize, job.Shuffle ? CacheFileShuffle.BlocksAndBatches : CacheFileShuffle.None, seed,
            memoryMap: false);
        _job = job;
        var (rows, sum, squares, highest, lowest) = _survey.Sums.Parts;
        _summary = new ShardSummary
        {
            Worker = silo.SiloAddress.Endpoint.ToString(), Rows = rows, DroppedRows = dropped, IsSparse = _reader.Schema.IsSparse,
            BatchCount = _batches.BatchCount, SmallestBatch = _batches.SmallestBatch, Sum = sum, Squares = squares, Highest = highest,
            Lowest = lowest, CacheBytes = new FileInfo(_cachePath).Length, Seconds = clock.Elapsed.TotalSeconds,
        };
        return _summary;
    }

    public Task<SampleRows> Sample(int count) => Task.FromResult(Prepared().Survey.Sample(count));

    public Task Setup(TrainingSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var (reader, _, _) = Prepared();
        FeatureStandardization? standardization = setup.Standardize
            ? new FeatureStandardization.SparseAccumulator(setup.Rows, setup.Sum, setup.Squares, setup.Highest, setup.Lowest).ToStandardization()
            : null;
        _epoch = new ShardEpoch(reader.Schema.FeatureCount, standardization, setup.L2Regularization, _job!.NumberOfThreads);
        return Task.CompletedTask;
    }

    public Task<RoundResult> RunRound(RoundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (reader, batches, _) = Prepared();
        var epoch = _epoch ?? throw new InvalidOperationException("Setup must come before the first round.");
        return Task.Run(() => epoch.Run(batches, reader.Schema.IsSparse, request, CancellationToken.None));
    }

    public Task<string> Ping() => Task.FromResult(silo.SiloAddress.Endpoint.ToString());

    public Task<string[]> SampleLines(string path, int count, int seed) => Task.Run(() => LineSample.Draw(path, count, seed));

    public Task Release()
    {
        Close();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Close();
        return Task.CompletedTask;
    }

    private (CacheFileReader Reader, CacheFileBatchSource Batches, ShardSurvey Survey) Prepared() =>
        _reader is not null && _batches is not null && _survey is not null
            ? (_reader, _batches, _survey)
            : throw new InvalidOperationException($"The shard {this.GetPrimaryKeyString()} is not prepared on {silo.SiloAddress.Endpoint}: the worker restarted, or Prepare was not called.");

    private void Close()
    {
        _batches?.Dispose();
        _reader?.Dispose();
        (_batches, _reader, _survey, _epoch, _summary, _job) = (null, null, null, null, null, null);
        if (_cachePath is not null)
            File.Delete(_cachePath);
        _cachePath = null;
    }
}
