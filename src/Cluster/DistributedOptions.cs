using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The settings of a distributed fit: the trainer's own (<see cref="GradientDescentSettings"/>, which the coordinator's
/// <see cref="TrainingSession"/> and every worker's step engine read), and what the cluster adds: which worker reads which shard, how
/// long a silent worker is waited for, and the checkpoint. Immutable: change a copy with <c>with</c>.</summary>
public sealed record DistributedOptions : GradientDescentSettings
{
    /// <summary>The default <see cref="FaultTimeout"/>.</summary>
    public static readonly TimeSpan DefaultFaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Creates the options with the trainer's defaults.</summary>
    public DistributedOptions()
    {
    }

    /// <summary>Creates the options with every trainer setting of <paramref name="settings"/> (the CLI's, a trainer's <c>Options</c>).</summary>
    public DistributedOptions(GradientDescentSettings settings)
        : base(settings ?? throw new ArgumentNullException(nameof(settings)))
    {
    }

    /// <summary>Gets the workers, by silo or gateway endpoint (<c>host:port</c>): shard <c>i</c> goes to worker <c>i mod k</c>,
    /// and its file is read on that worker's machine.</summary>
    /// <value>Default <see langword="null"/>: every active silo of the cluster, in the order of their endpoints.</value>
    public IReadOnlyList<string>? Workers { get; init; }

    /// <summary>Gets how long a worker may fail to answer (a ping, which it answers even mid-epoch) before it counts as lost.
    /// A lost worker ends the fit with <see cref="WorkerLostException"/>, or, with <see cref="ContinueWithoutLostShards"/>, its shards
    /// are left out from that round on.</summary>
    /// <value>Default 10 seconds; between 1 second and 1 hour. A fit notices a lost worker within this time plus a second.</value>
    public TimeSpan FaultTimeout { get; init; } = DefaultFaultTimeout;

    /// <summary>Gets whether a fit goes on without the shards of a lost worker (said in <see cref="DistributedFit.LostShards"/>)
    /// instead of ending with <see cref="WorkerLostException"/>.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool ContinueWithoutLostShards { get; init; }

    /// <summary>Gets a file the coordinator logs every round to (appended, checksummed: <see cref="Checkpoint"/>), and from which a fit
    /// of the same shards and settings started again resumes after the last whole round, instead of from the start.</summary>
    /// <value>Default <see langword="null"/>: no checkpoint.</value>
    public string? CheckpointFile { get; init; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">An option a distributed fit does not support is set; the message names it.</exception>
    public override void Validate()
    {
        base.Validate();
        if (Optimizer != OptimizerKind.Sgd)
            throw new ArgumentException(
                $"A distributed fit runs plain SGD on every worker: local SGD averages the workers' iterates, while the state of {Optimizer} (its momentum or moments) " +
                "would stay on each worker, unaveraged and unlike a local fit's. Use Optimizer = Sgd, or a local fit.", nameof(Optimizer));
        // Left at null (decide), a distributed fit holds nothing out: the default hold-out of wide data is decided on one source's rows.
        if (ValidationFraction is > 0)
            throw new ArgumentException(
                "A distributed fit holds out no validation rows (the shards stay on their workers, and no rule yet says which of their rows to hold out); " +
                "leave ValidationFraction unset or 0 and evaluate on a held-out file.", nameof(ValidationFraction));
        if (FaultTimeout < TimeSpan.FromSeconds(1) || FaultTimeout > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(FaultTimeout), FaultTimeout, "must be in range [1 s, 1 h].");
        if (Workers is { Count: 0 })
            throw new ArgumentException("Workers is empty; leave it null to use every worker of the cluster.", nameof(Workers));
        if (CheckpointFile is { Length: 0 })
            throw new ArgumentException("CheckpointFile is empty; give a file or leave it null.", nameof(CheckpointFile));
    }
}
