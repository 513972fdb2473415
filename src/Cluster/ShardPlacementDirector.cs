using Orleans.Runtime.Placement;

namespace MlNetGd.Cluster;

/// <summary>Places a shard grain on the silo whose endpoint its key names; when that worker is not in the cluster the call fails
/// instead of activating the shard on a machine that does not have its file.</summary>
internal sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string worker = ShardKey.WorkerOf(target.GrainIdentity.Key.ToString()!);
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (silo.Endpoint.ToString() == worker)
                return Task.FromResult(silo);
        }
        throw new OrleansException($"The worker {worker} is not in the cluster (it stopped or was never started); its shard cannot be placed elsewhere.");
    }
}
