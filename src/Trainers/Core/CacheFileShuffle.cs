namespace MlNetGd.Trainers.Core;

/// <summary>How <see cref="CacheFileBatchSource"/> orders the rows of a cache file each epoch.</summary>
public enum CacheFileShuffle
{
    /// <summary>The file's order, every epoch; batches are served straight from the memory map.</summary>
    None,

    /// <summary>The blocks in a random order, and inside each block its B-row batches in a random order; batches are served straight
    /// from the memory map (no copy). Which rows share a batch is fixed by the file (write it with a row shuffle seed), as the
    /// cached loop fixes it by one shuffle of the rows; only the rows left over at a block's end are regrouped every epoch.</summary>
    BlocksAndBatches,

    /// <summary>The blocks in a random order, and the rows of each block in a new random order every epoch, so batches differ
    /// from epoch to epoch; costs one copy of every block per epoch (on the read-ahead thread).</summary>
    BlocksAndRows,
}
