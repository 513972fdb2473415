namespace MlNetGd.Cluster;

/// <summary>A worker stopped answering during a distributed fit: the fit ended and wrote no model.</summary>
public sealed class WorkerLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerLostException(string worker, IReadOnlyList<string> shards, int round, string cause, Exception? inner = null)
        : base($"The worker {worker} was lost {(round == 0 ? "before training" : $"in round {round}")} ({cause}); its shard{(shards.Count == 1 ? "" : "s")} " +
               $"{string.Join(", ", shards.Select(s => $"'{s}'"))} cannot be trained on. No model was written. Restart the worker and run the fit again " +
               "(with a checkpoint file it resumes after the last round), or let the fit go on without those shards.", inner)
    {
        Worker = worker;
        Shards = shards;
        Round = round;
    }

    /// <summary>Gets the worker's endpoint.</summary>
    public string Worker { get; }

    /// <summary>Gets the files of its shards.</summary>
    public IReadOnlyList<string> Shards { get; }

    /// <summary>Gets the round in which it was lost (0: before training).</summary>
    public int Round { get; }
}
