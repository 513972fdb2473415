using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>Serves batches from one sequential pass per epoch over rows read in place (<see cref="IRowPass"/>): no copy of the data,
/// rows shuffled inside blocks of about 2 MB, the next blocks read on background threads while the caller trains on this one.</summary>
/// <remarks>
/// <para>Batches: the cached loop's K = ⌈n/B⌉ batches of equal size (<see cref="GradientDescentLoop.BatchStart"/>) over the pass's
/// rows in their order. A block holds a whole number of consecutive batches (about 2 MB of rows), so no batch spans two blocks. With
/// shuffling on, each row of block p is put at a slot drawn from <c>SplitMix64(seed, stream(epoch, p))</c> as it is read, so the
/// block's batches are a random partition of its rows, new every epoch: a shuffle pool the size of a block, at no extra copy.
/// Without shuffling the batches are exactly <see cref="CachedBatches"/>' batches of the same rows, unshuffled.</para>
/// <para>Rows never move further than their block: on data sorted by the label or drifting with the row order the batches are not
/// a uniform sample of the data, which is why the trainer tests the order first (<see cref="RowOrder"/>) and copies such data.</para>
/// <para>Reading a row through a cursor costs far more than training on it (DESIGN.md, "Fresh-process fits"), so when the caller gives
/// a second pass over the same rows and the machine has two cores, two threads read: one the even blocks, one the odd blocks, each
/// skipping the other's rows (a skip moves the cursor without reading the row).</para>
/// <para>The batches depend only on the rows, the seed, the epoch and B — never on timing or on how many threads read: each block
/// holds its own rows, put at slots drawn from its own stream, whoever reads it. Two block buffers, grown to the largest block, then
/// an epoch allocates nothing. A failure of the pass (a non-finite value, a source that returns fewer rows than it reported)
/// reaches the caller at the batch that needed it.</para>
/// </remarks>
public sealed class PassBatches : IBatchSource, IDisposable
{
    /// <summary>The size a block aims at: large enough to mix rows, small enough to stay in the last-level cache's neighbourhood.</summary>
    public const long BlockBytes = 2L << 20;

    private const ulong BlockStream = 0x3C6EF372FE94F82BUL;

    /// <summary>The most threads that read blocks: one per block buffer.</summary>
    public const int MaxReaders = 2;

    private readonly IRowPass _rows;
    private readonly BlockReader[] _readers;
    private readonly int _featureCount;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int _rowCount;
    private readonly int _batchesPerBlock;
    private readonly RowBlockBuffer[] _slots;
    private readonly int[][] _permutations;
    private readonly bool _readAhead;
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
    /// <param name="readAhead">Whether the next blocks are read on background threads; the batches are the same either way.</param>
    /// <param name="secondPass">Another pass over the same rows, in the same order, for a second reading thread (it must outlive the
    /// source), or <see langword="null"/>. Used only with <paramref name="readAhead"/> on a machine of two cores or more; the batches
    /// are the same either way.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or the rows are more than an int can count.</exception>
    public PassBatches(IRowPass rows, int featureCount, bool sparse, long bytesPerRow, int batchSize, bool shuffle, int seed, bool readAhead = true,
        IRowPass? secondPass = null)
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
        _readAhead = readAhead && BlockCount > 1;
        _readers = _readAhead && secondPass is not null && Environment.ProcessorCount > 1
            ? [new BlockReader(this, rows, true), new BlockReader(this, secondPass, true)]
            : [new BlockReader(this, rows, _readAhead)];
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

    /// <summary>Gets the number of threads (or, without reading ahead, passes) that read the blocks.</summary>
    internal int ReaderCount => _readers.Length;

    /// <summary>Gets the number of blocks a pass is read in.</summary>
    public int BlockCount { get; }

    /// <summary>Gets the held-out rows when the rows are a <see cref="HoldOutPass"/> whose first pass is over, else no rows.</summary>
    public RowBlock Validation =>
        _rows is HoldOutPass { HeldOut: { } heldOut } ? heldOut.Rows() : RowBlock.Dense([], [], _featureCount);

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The source has been disposed.</exception>
    public void BeginEpoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var reader in _readers)
            reader.Drain();
        foreach (var reader in _readers)
            reader.Restart();
        (_epoch, _block, _batch, _inEpoch) = (epoch, -1, 0, true);
        if (_readAhead)
            for (int block = 0; block < Math.Min(_readers.Length, BlockCount); block++)
                ReaderOf(block).Request(block);
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
            if (!_readAhead)
            {
                _readers[0].Prepare(block);
            }
            else
            {
                // Block b + 1 goes into the buffer of block b − 1, whose batches the caller is done with: with two readers its reader
                // is idle and starts now, with one it starts once block b is read.
                int next = block + 1;
                bool nextNow = _readers.Length > 1 && block > 0 && next < BlockCount;
                if (nextNow)
                    ReaderOf(next).Request(next);
                ReaderOf(block).Wait();
                if (!nextNow && _readers.Length == 1 && next < BlockCount)
                    ReaderOf(next).Request(next);
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
        foreach (var reader in _readers)
            reader.Drain();
        _inEpoch = false;
    }

    /// <summary>Stops the reading threads; the rows are not disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var reader in _readers)
            reader.Dispose();
    }

    private BlockReader ReaderOf(int block) => _readers[block % _readers.Length];

    private int BlockStart(int block) => GradientDescentLoop.BatchStart(block * _batchesPerBlock, _rowCount, BatchCount);

    private int BlockEnd(int block) => GradientDescentLoop.BatchStart(Math.Min((block + 1) * _batchesPerBlock, BatchCount), _rowCount, BatchCount);

    /// <summary>Reads block <paramref name="block"/>'s rows from <paramref name="rows"/>, whose next row is the block's first, each
    /// into its slot of the block's permutation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Fill(IRowPass rows, int block)
    {
        int count = BlockEnd(block) - BlockStart(block);
        var buffer = _slots[block & 1];
        var slots = _permutations[block & 1].AsSpan(0, count);
        if (_shuffle)
            new SplitMix64(_seed, BlockStream ^ ((ulong)(uint)_epoch << 32 | (uint)block)).Permutation(slots);
        else
            for (int i = 0; i < count; i++)
                slots[i] = i;
        buffer.Begin(count);
        for (int i = 0; i < count; i++)
        {
            if (!rows.Next(out float label, out var indices, out var values))
                throw Short(BlockStart(block) + i);
            buffer.Put(slots[i], label, indices, values);
        }
        if (block == BlockCount - 1 && rows.Next(out _, out _, out _))
            throw new InvalidOperationException($"The data reported {_rowCount} rows but a pass returned more.");
    }

    private InvalidOperationException Short(int returned) => new($"The data reported {_rowCount} rows but a pass returned {returned}.");

    /// <summary>One pass over the rows that reads every block given to it, skipping the rows before it (read by another reader), on a
    /// thread of its own when reading ahead.</summary>
    private sealed class BlockReader : IDisposable
    {
        private readonly PassBatches _owner;
        private readonly IRowPass _rows;
        private readonly ReadAhead? _thread;
        private int _position; // the pass's next row

        public BlockReader(PassBatches owner, IRowPass rows, bool readAhead)
        {
            _owner = owner;
            _rows = rows;
            if (readAhead)
                _thread = new ReadAhead(Prepare, "MlNetGd in-place read-ahead");
        }

        public void Restart()
        {
            _rows.Restart();
            _position = 0;
        }

        public void Request(int block) => _thread!.Request(block);

        public void Wait() => _thread!.Wait();

        public void Drain() => _thread?.Drain();

        /// <summary>Skips to block <paramref name="block"/>'s first row and reads the block.</summary>
        public void Prepare(int block)
        {
            int start = _owner.BlockStart(block);
            for (; _position < start; _position++)
            {
                if (!_rows.Skip())
                    throw _owner.Short(_position);
            }
            _owner.Fill(_rows, block);
            _position = _owner.BlockEnd(block);
        }

        public void Dispose() => _thread?.Dispose();
    }
}
