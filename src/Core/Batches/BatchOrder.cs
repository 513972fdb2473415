namespace MlNetGd.Trainers.Core;

/// <summary>The order in which an epoch visits its contiguous batches.</summary>
/// <remarks>
/// <para>With shuffling on, the order is drawn from <c>(Seed, epoch)</c>. When there are many small batches, a fully random order
/// jumps across the whole matrix at every batch and the hardware prefetcher cannot follow. So small batches are grouped into
/// super-blocks of about <see cref="SuperBlockBytes"/>; the super-blocks are visited in a random order and the batches inside one
/// in order (the measurements behind the size are in bench/RESULTS.md).</para>
/// <para>This changes only the order of the batches, never which rows share a batch (that is decided once, by the row shuffle).
/// With fewer than <see cref="MinSuperBlocks"/> super-blocks (data that fits in cache anyway) every batch is placed at random,
/// as before. Buffers are allocated once; <see cref="Next"/> allocates nothing.</para>
/// </remarks>
internal sealed class BatchOrder
{
    /// <summary>The size of a super-block of consecutive batches, in bytes of features and labels.</summary>
    public const int SuperBlockBytes = 1024 * 1024;

    /// <summary>The fewest super-blocks for grouping to be used; below it every batch is placed at random.</summary>
    public const int MinSuperBlocks = 64;

    private readonly int[] _order;
    private readonly int[] _blocks;
    private readonly int _batchesPerBlock;

    /// <summary>Plans the order of <paramref name="batchCount"/> batches of about <paramref name="rowsPerBatch"/> rows of d features.</summary>
    public BatchOrder(int batchCount, int rowsPerBatch, int featureCount)
        : this(batchCount, (long)rowsPerBatch * (featureCount + 1) * sizeof(float))
    {
    }

    /// <summary>Plans the order of <paramref name="batchCount"/> batches of about <paramref name="batchBytes"/> bytes each (CSR
    /// batches are measured by their stored values, not by d).</summary>
    public BatchOrder(int batchCount, long batchBytes)
    {
        _order = new int[batchCount];
        batchBytes = Math.Max(1L, batchBytes);
        int group = (int)Math.Clamp(SuperBlockBytes / batchBytes, 1, Math.Max(1, batchCount));
        int blocks = (batchCount + group - 1) / group;
        if (blocks < MinSuperBlocks)
        {
            group = 1;
            blocks = batchCount;
        }
        _batchesPerBlock = group;
        _blocks = group == 1 ? [] : new int[blocks];
    }

    /// <summary>Gets how many consecutive batches form a super-block (1: every batch is placed at random).</summary>
    public int BatchesPerBlock => _batchesPerBlock;

    /// <summary>Returns the batch order of an epoch: in order without shuffling, otherwise drawn from <c>(seed, epoch)</c>.</summary>
    /// <summary>Gets the order the last <see cref="Next"/> returned.</summary>
    public ReadOnlySpan<int> Current => _order;

    public ReadOnlySpan<int> Next(bool shuffle, int seed, int epoch)
    {
        if (!shuffle)
        {
            for (int i = 0; i < _order.Length; i++)
                _order[i] = i;
            return _order;
        }
        var random = new SplitMix64(seed, (ulong)epoch);
        if (_batchesPerBlock == 1)
        {
            random.Permutation(_order);
            return _order;
        }
        random.Permutation(_blocks);
        int k = 0;
        foreach (int block in _blocks)
        {
            int end = Math.Min((block + 1) * _batchesPerBlock, _order.Length);
            for (int batch = block * _batchesPerBlock; batch < end; batch++)
                _order[k++] = batch;
        }
        return _order;
    }
}
