namespace MlNetGd.Cluster;

/// <summary>What one round of a distributed fit cost.</summary>
/// <param name="Epoch">The round (epoch), from 1.</param>
/// <param name="Seconds">Wall time of the round at the coordinator: the requests, the slowest worker's epoch, the answers and the reduction.</param>
/// <param name="WorkerSeconds">The slowest worker's own epoch time.</param>
/// <param name="ReductionSeconds">The coordinator's time from the last answer to the decision: the averages, the returned model's MSE on
/// the sample, the stopping rule.</param>
/// <param name="PayloadBytes">The parameter vectors and figures sent and received in the round (Orleans' own headers not counted).</param>
/// <param name="Shards">The shards that took part.</param>
public sealed record RoundReport(int Epoch, double Seconds, double WorkerSeconds, double ReductionSeconds, long PayloadBytes, int Shards)
{
    /// <summary>Gets the share of the round spent outside the slowest worker's epoch: messages, waiting and the reduction.</summary>
    public double CommunicationShare => Seconds > 0 ? Math.Max(0, 1 - WorkerSeconds / Seconds) : 0;
}
