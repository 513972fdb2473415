using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>Serves batches from one sequential pass per epoch over rows read in place (<see cref="IRowPass"/>): no copy of the data,
/// rows shuffled inside blocks of about 2 MB, the next block read on a second thread while the caller trains on this one.</summary>
/// <remarks>
/// <para>Batches: the cached loop's K = ⌈n/B⌉ batches of equal size (<see cref="GradientDescentLoop.BatchStart"/>) over the pass's
/// rows in their order. A block holds a whole number of consecutive batches (about 2 MB of rows), so no batch spans two blocks. With
/// shuffling on, each row of block p is put at a slot drawn from <c>SplitMix64(seed, stream(epoch, p))</c> as it is read, so the
/// block's batches are a random partition of its rows, new every epoch: a shuffle pool the size of a block, at no extra copy.
/// Without shuffling the batches are exactly <see cref="CachedBatches"/>' batches of the same rows, unshuffled.</para>
/// <para>Rows never move further than their block: on data sorted by the label or drifting with the row order the batches are not
/// a uniform sample of the data, which is why the trainer tests the order first (<see cref="RowOrder"/>) and copies such data.</para>
/// <para>The batches depend only on the rows, the seed, the epoch and B — never on timing: reading ahead or not gives the same
/// batches bit for bit. Two block buffers, grown to the largest block, then an epoch allocates nothing. A failure of the pass (a
/// non-finite value, a source that returns fewer rows than it reported) reaches the caller at the batch that needed it.</para>
/// </remarks>
public sealed class PassBatches : IBatchSource, IDisposable
{
    /// <summary>The size a block aims at: large enough to mix rows, small enough to stay in the last-level cache's neighbourhood.</summary>
    public const long BlockBytes = 2L << 20;

    private const ulong BlockStream = 0x3C6EF372FE94F82BUL;

    private readonly IRowPass _rows;
    private readonly int _featureCount;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int _rowCount;
    private readonly int _batchesPerBlock;
    private readonly RowBlockBuffer[] _slots;
    private readonly int[][] _permutations;
    private readonly ReadAhead? _readAhead;
    private bool _disposed;
    private bool _inEpoch;
    private int _epoch;
    private int _block = -1;
    private int _batch;

    /// <summary>Plans the batches of a pass over <paramref name="rows"/>.</summary>
    /// <param name="rows">The rows; they must outlive the source.</param>
    /// <param name="featureCount">The number of features per row (d).</param>
    /// <param name="sparse">Whether batches are CSR (the rows' nonzeros) instead of dense.</param>
    /// <param name="bytesPerRow">About how many bytes a row takes in a batch (4 a dense value, 8 a nonzero): sizes the blocks.</param>
    /// <param name="batchSize">The largest batch (B), at least 1.</param>
    /// <param name="shuffle">Whether rows are shuffled inside their block, anew every epoch.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="readAhead">Whether the next block is read on a background thread; the batches are the same either way.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or the rows are more than an int can count.</exception>
    public PassBatches(IRowPass rows, int featureCount, bool sparse, long bytesPerRow, int batchSize, bool shuffle, int seed, bool readAhead = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows.RowCount, 1L, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows.RowCount, (long)Array.MaxLength, nameof(rows));
        _rows = rows;
        _featureCount = featureCount;
        IsSparse = sparse;
        _shuffle = shuffle;
        _seed = seed;
        _rowCount = (int)rows.RowCount;
        BatchCount = GradientDescentLoop.BatchCount(_rowCount, batchSize);
        int batchRows = (_rowCount + BatchCount - 1) / BatchCount;
        _batchesPerBlock = (int)Math.Clamp(BlockBytes / Math.Max(1, bytesPerRow) / batchRows, 1, BatchCount);
        BlockCount = (BatchCount + _batchesPerBlock - 1) / _batchesPerBlock;
        int blockRows = BlockEnd(0) - BlockStart(0) + 1;
        long stored = sparse ? Math.Min((long)blockRows * Math.Max(1, bytesPerRow / 8), Array.MaxLength) : 0;
        _slots = [new RowBlockBuffer(featureCount, sparse, blockRows, (int)stored), new RowBlockBuffer(featureCount, sparse, blockRows, (int)stored)];
        _permutations = [new int[blockRows], new int[blockRows]];
        if (readAhead && BlockCount > 1)
            _readAhead = new ReadAhead(Prepare, "MlNetGd in-place read-ahead");
    }

    /// <inheritdoc/>
    public int FeatureCount => _featureCount;

    /// <summary>Gets the number of batches per epoch (K = ⌈n/B⌉).</summary>
    public int BatchCount { get; }

    /// <inheritdoc/>
    public long SmallestBatch => _rowCount / BatchCount;

    /// <inheritdoc/>
    public bool IsSparse { get; }

    /// <inheritdoc/>
    public long RowCount => _rowCount;

    /// <summary>Returns the rows themselves: the pass is read front to back, as every epoch reads it.</summary>
    public IRowPass OpenPass() => _rows;

    /// <summary>Gets the number of blocks a pass is read in.</summary>
    public int BlockCount { get; }

    /// <inheritdoc/>
    public RowBlock Validation => RowBlock.Dense([], [], _featureCount);

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The source has been disposed.</exception>
    public void BeginEpoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _readAhead?.Drain();
        _rows.Restart();
        (_epoch, _block, _batch, _inEpoch) = (epoch, -1, 0, true);
        _readAhead?.Request(0);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException"><see cref="BeginEpoch"/> has not been called, or the pass ran out of rows.</exception>
    public bool TryGetBatch(out RowBlock batch)
    {
        if (!_inEpoch)
            throw new InvalidOperationException("Call BeginEpoch before TryGetBatch.");
        if (_batch == BatchCount)
        {
            batch = default;
            return false;
        }
        int block = _batch / _batchesPerBlock;
        if (block != _block)
        {
            if (_readAhead is null)
            {
                Prepare(block);
            }
            else
            {
                _readAhead.Wait();
                if (block + 1 < BlockCount)
                    _readAhead.Request(block + 1); // into the other buffer: the caller is done with this one's batches
            }
            _block = block;
        }
        int first = GradientDescentLoop.BatchStart(_batch, _rowCount, BatchCount) - BlockStart(block);
        int end = GradientDescentLoop.BatchStart(_batch + 1, _rowCount, BatchCount) - BlockStart(block);
        batch = _slots[block & 1].View().Slice(first, end - first);
        _batch++;
        return true;
    }

    /// <inheritdoc/>
    public void EndEpoch(int epoch)
    {
        _readAhead?.Drain();
        _inEpoch = false;
    }

    /// <summary>Stops the read-ahead thread; the rows are not disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        _readAhead?.Dispose();
    }

    private int BlockStart(int block) => GradientDescentLoop.BatchStart(block * _batchesPerBlock, _rowCount, BatchCount);

    private int BlockEnd(int block) => GradientDescentLoop.BatchStart(Math.Min((block + 1) * _batchesPerBlock, BatchCount), _rowCount, BatchCount);

    /// <summary>Reads block <paramref name="block"/>'s rows, the pass's next ones, each into its slot of the block's permutation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Prepare(int block)
    {
        int rows = BlockEnd(block) - BlockStart(block);
        var buffer = _slots[block & 1];
        var slots = _permutations[block & 1].AsSpan(0, rows);
        if (_shuffle)
            new SplitMix64(_seed, BlockStream ^ ((ulong)(uint)_epoch << 32 | (uint)block)).Permutation(slots);
        else
            for (int i = 0; i < rows; i++)
                slots[i] = i;
        buffer.Begin(rows);
        for (int i = 0; i < rows; i++)
        {
            if (!_rows.Next(out float label, out var indices, out var values))
                throw new InvalidOperationException($"The data reported {_rowCount} rows but a pass returned {BlockStart(block) + i}.");
            buffer.Put(slots[i], label, indices, values);
        }
        if (block == BlockCount - 1 && _rows.Next(out _, out _, out _))
            throw new InvalidOperationException($"The data reported {_rowCount} rows but a pass returned more.");
    }
}
