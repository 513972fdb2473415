using Microsoft.Extensions.Logging;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The worker's side of one shard (<see cref="IShardGrain"/>): its cache file, its part of the survey and its local epochs,
/// all through the core's own parts (<see cref="Survey"/>, <see cref="StepEngine"/>, <see cref="CacheFileBatchSource"/>). Heavy work
/// runs off the grain's scheduler, so <see cref="Ping"/> answers while an epoch runs.</summary>
[ShardPlacement]
internal sealed class ShardGrain(WorkerSettings settings, ILocalSiloDetails silo, ILogger<ShardGrain> logger) : Grain, IShardGrain
{
    private ShardJob? _job;
    private CacheFileReader? _reader;
    private CacheFileBatchSource? _batches;
    private ShardSummary? _summary;
    private TrainingSetup? _setup;
    private FeatureStandardization? _standardization;
    private StepEngine? _engine;
    private int _running; // calls running now, read by Ping from another turn

    public async Task<ShardSummary> Prepare(ShardJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_summary is not null && _job is not null && _job.Path == job.Path && _job.ShardIndex == job.ShardIndex)
            return _summary; // a repeated call after a lost answer
        Interlocked.Increment(ref _running);
        try
        {
            return await PrepareOnce(job);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task<ShardSummary> PrepareOnce(ShardJob job)
    {
        Close();
        Directory.CreateDirectory(settings.WorkDirectory);
        string cachePath = Path.Combine(settings.WorkDirectory, ShardKey.CacheFileName(this.GetPrimaryKeyString(), Environment.ProcessId));
        logger.LogInformation("Reading shard {Shard} from {Path} into {Cache}", job.ShardIndex, job.Path, cachePath);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (reader, dropped) = await Task.Run(() => ShardReader.Write(job, cachePath, CancellationToken.None));
        try
        {
            _batches = CacheFileRows.Batches(reader, job.BatchSize, job.Shuffle, job.ShardSeed);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        (_reader, _job) = (reader, job);
        _summary = new ShardSummary
        {
            Worker = silo.SiloAddress.Endpoint.ToString(), Rows = reader.RowCount, DroppedRows = dropped, IsSparse = reader.Schema.IsSparse,
            BatchCount = _batches.BatchCount, SmallestBatch = _batches.SmallestBatch, CacheBytes = new FileInfo(cachePath).Length,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        return _summary;
    }

    public Task<ShardPart> Part(PartRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (reader, _) = Prepared();
        return Working(() => ShardPart.Of(Survey.TakePart(new CacheFileRowPass(reader), request.Sparse, request.Standardize), request.SampleRows));
    }

    public Task<SetupAnswer> Setup(TrainingSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var (reader, _) = Prepared();
        var standardization = setup.Standardization(reader.Schema.FeatureCount);
        (_setup, _standardization, _engine) = (setup, standardization, null);
        if (!setup.MeasureLargestRow || standardization is null)
            return Task.FromResult(new SetupAnswer { LargestRowNorm = double.NaN });
        return Working(() => new SetupAnswer { LargestRowNorm = Survey.LargestStandardizedRowNorm(new CacheFileRowPass(reader), standardization) });
    }

    public Task<RoundResult> RunRound(RoundRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (reader, batches) = Prepared();
        var setup = _setup ?? throw new InvalidOperationException("Setup must come before the first round.");
        var engine = _engine ??= StepEngine.Create(setup.StepSettings(), reader.Schema.FeatureCount, _standardization, optimizer: null,
            request.LearningRate, reader.Schema.IsSparse);
        return Working(() => ShardRound.Run(engine, batches, request, CancellationToken.None));
    }

    public Task<bool> Ping() => Task.FromResult(Volatile.Read(ref _running) > 0);

    public Task<string[]> SampleLines(string path, int count, int seed, char separator) => Working(() => LineSample.Draw(path, count, seed, separator));

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

    // Runs heavy work off the grain's scheduler, counted as running for Ping.
    private async Task<T> Working<T>(Func<T> work)
    {
        Interlocked.Increment(ref _running);
        try
        {
            return await Task.Run(work);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private (CacheFileReader Reader, CacheFileBatchSource Batches) Prepared() =>
        _reader is not null && _batches is not null
            ? (_reader, _batches)
            : throw new InvalidOperationException($"The shard {this.GetPrimaryKeyString()} is not prepared on {silo.SiloAddress.Endpoint}: the worker restarted, or Prepare was not called.");

    private void Close()
    {
        _batches?.Dispose();
        _reader?.Dispose(); // the cache file goes with it
        (_batches, _reader, _summary, _job, _setup, _standardization, _engine) = (null, null, null, null, null, null, null);
    }
}
