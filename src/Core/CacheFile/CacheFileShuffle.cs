namespace MlNetGd.Trainers.Core;

/// <summary>How <see cref="CacheFileBatchSource"/> orders the rows of a cache file each epoch.</summary>
public enum CacheFileShuffle
{
    /// <summary>The file's order, every epoch: the same batches as <see cref="CachedBatches"/> without shuffling.</summary>
    None,

    /// <summary>The blocks in a random order, each read from a random row to its end and then from its start; batches inside a block
    /// are served straight from the memory map (no copy). The rows' order inside a block is the file's (write it with a row shuffle
    /// seed), as the cached loop's is fixed by one shuffle of the rows; the batch boundaries move every epoch.</summary>
    BlocksAndBatches,

    /// <summary>The blocks in a random order, and the rows of each block in a new random order every epoch, so batches differ
    /// from epoch to epoch; costs one copy of every block per epoch (on the read-ahead thread).</summary>
    BlocksAndRows,
}
