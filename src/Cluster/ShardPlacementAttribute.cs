using Orleans.Placement;

namespace MlNetGd.Cluster;

/// <summary>Marks a grain class as placed by <see cref="ShardPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ShardPlacementAttribute()
        : base(ShardPlacement.Instance)
    {
    }
}
