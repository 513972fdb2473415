using Orleans.Concurrency;

namespace MlNetGd.Cluster;

/// <summary>One shard of a distributed fit, activated on the worker that owns the shard's file (<see cref="ShardPlacementAttribute"/>):
/// it reads the file once into its own cache file, takes its part of the survey, and runs one local epoch per round.</summary>
/// <remarks>The key is <c>fit/shard@host:port</c> (<see cref="ShardKey"/>): the fit, the shard's index and the worker's silo endpoint.
/// Calls come from the coordinator in this order: <see cref="Prepare"/>, <see cref="Part"/>, <see cref="Setup"/>, then
/// <see cref="RunRound"/> once per round, and <see cref="Release"/>. Every call but <see cref="Ping"/> is idempotent for the same
/// arguments, so the coordinator may repeat one after a lost message.</remarks>
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Reads the shard file into the worker's cache file, checking its columns and values against the format.</summary>
    Task<ShardSummary> Prepare(ShardJob job);

    /// <summary>Takes the shard's part of the survey (<c>Survey.TakePart</c> over its cache file) and returns the requested share of
    /// its sample with its sums.</summary>
    Task<ShardPart> Part(PartRequest request);

    /// <summary>Fixes the standardization and the step engine's settings for the rounds to come, and measures the shard's largest
    /// standardized row when asked (the survey's second pass over CSR rows).</summary>
    Task<SetupAnswer> Setup(TrainingSetup setup);

    /// <summary>Runs one local epoch from the request's start and returns its last and averaged iterates.</summary>
    Task<RoundResult> RunRound(RoundRequest request);

    /// <summary>Answers while the worker is alive, even during a long call (the coordinator's watchdog): whether a call of the
    /// coordinator is running on the shard now. Alive but idle while the coordinator still waits means the call or its answer was
    /// lost on the way (a gateway that died), and the coordinator asks again.</summary>
    [AlwaysInterleave]
    Task<bool> Ping();

    /// <summary>Returns the header and up to <paramref name="count"/> data records drawn uniformly with <paramref name="seed"/> from a
    /// text file on the worker, whose fields <paramref name="separator"/> separates (the coordinator fits the featurization on them).</summary>
    Task<string[]> SampleLines(string path, int count, int seed, char separator);

    /// <summary>Deletes the shard's cache file and ends the activation.</summary>
    Task Release();
}
