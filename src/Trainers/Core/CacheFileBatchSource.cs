namespace MlNetGd.Trainers.Core;

/// <summary>Serves the rows of a cache file as batches, epoch after epoch: blocks in a seeded random order, rows or batches shuffled
/// inside each block, and the next block read on another thread while the caller trains on the current one.</summary>
/// <remarks>
/// <para>Order (<see cref="CacheFileShuffle"/>): epoch e visits the blocks in the permutation drawn from <c>SplitMix64(seed, e)</c>
/// (the file's order for <see cref="CacheFileShuffle.None"/>). A block of r rows gives ⌊r/B⌋ full batches of consecutive rows,
/// served without a copy; its other r mod B rows (at a random batch position with <see cref="CacheFileShuffle.BlocksAndBatches"/>, at
/// its end otherwise) are copied into a buffer that collects such rows from block to block and is served whenever it holds B rows.
/// So every batch has B rows but the last of the epoch. (With <see cref="CacheFileShuffle.None"/> the batches are simply the
/// file's rows in order, B at a time, a batch that spans two blocks being copied.) With <see cref="CacheFileShuffle.BlocksAndBatches"/> the full batches come in
/// the order drawn from <c>SplitMix64(seed, stream(e, block))</c>; with <see cref="CacheFileShuffle.BlocksAndRows"/> the block's rows
/// are first copied in the order drawn from that generator. The batches depend only on the file, the seed, the epoch and B — never
/// on timing — so reading ahead or not gives the same batches bit for bit (tested).</para>
/// <para>Reading ahead (double buffering): while the caller trains on block p, a background thread checks block p + 1's checksum
/// (first read only) and, for <see cref="CacheFileShuffle.BlocksAndRows"/>, gathers its shuffled rows into the other buffer.
/// Buffers are allocated up front; an epoch allocates nothing.</para>
/// <para>Lifetime: a batch is valid until the next call to <see cref="TryGetBatch"/>; the reader must outlive the source. One caller
/// thread at a time.</para>
/// </remarks>
public sealed class CacheFileBatchSource : IBatchSource, IDisposable
{
    private const ulong BlockStream = 0x632BE59BD9B4E019UL;

    private readonly CacheFileReader _reader;
    private readonly TrainingRows? _validation;
    private readonly int _batchSize;
    private readonly CacheFileShuffle _shuffle;
    private readonly int _seed;
    private readonly int[] _order;
    private readonly int[] _batchOrder;
    private readonly Slot[] _slots;
    private readonly RowBlockBuffer _leftovers;
    private readonly ReadAhead? _readAhead;
    private bool _disposed;
    private int _epoch;
    private bool _inEpoch;
    private int _position;
    private int _batch;
    private int _batchCount;
    private int _batchBase;
    private int _tailBatch;
    private int _tailLength;
    private int _firstStart;
    private int _firstLeft;
    private int _lastStart;
    private int _lastLeft;
    private bool _leftoversServed;

    /// <summary>Creates a source over <paramref name="reader"/>'s rows.</summary>
    /// <param name="reader">The open cache file; it must outlive the source.</param>
    /// <param name="batchSize">The rows per batch, at least 1.</param>
    /// <param name="shuffle">How to order the rows each epoch.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="readAhead">Whether to read the next block on a background thread; the batches are the same either way.</param>
    /// <param name="validation">Held-out rows measured after each epoch (<see cref="Validation"/>), or null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="validation"/> has another feature count.</exception>
    public CacheFileBatchSource(CacheFileReader reader, int batchSize, CacheFileShuffle shuffle, int seed, bool readAhead = true,
        TrainingRows? validation = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1.");
        if (validation is not null && validation.FeatureCount != reader.Schema.FeatureCount)
            throw new ArgumentException($"The validation rows have {validation.FeatureCount} features; the cache file has {reader.Schema.FeatureCount}.", nameof(validation));
        _reader = reader;
        _validation = validation;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
        _order = new int[reader.BlockCount];
        _batchOrder = new int[reader.MaxBlockRows / batchSize + 1];
        var schema = reader.Schema;
        bool copies = shuffle == CacheFileShuffle.BlocksAndRows;
        int rows = copies ? reader.MaxBlockRows : 0, stored = copies ? reader.MaxBlockStoredValues : 0;
        _slots = [new Slot(schema, rows, stored), new Slot(schema, rows, stored)];
        int leftoverRows = (int)Math.Min(batchSize, Math.Max(1, reader.RowCount));
        _leftovers = new RowBlockBuffer(schema.FeatureCount, schema.IsSparse, leftoverRows,
            schema.IsSparse ? Math.Min(reader.MaxBlockStoredValues, leftoverRows * 16) : leftoverRows * schema.FeatureCount);
        if (readAhead && reader.BlockCount > 1)
            _readAhead = new ReadAhead(Prepare, "MlNetGd cache-file read-ahead");
    }

    /// <inheritdoc/>
    public int FeatureCount => _reader.Schema.FeatureCount;

    /// <inheritdoc/>
    public RowBlock Validation => _validation is null ? RowBlock.Dense([], [], FeatureCount) : _validation.Rows();

    /// <summary>Gets the number of rows an epoch visits.</summary>
    public long RowCount => _reader.RowCount;

    /// <summary>Gets the rows per batch.</summary>
    public int BatchSize => _batchSize;

    /// <summary>Starts epoch <paramref name="epoch"/>: draws its block order and starts reading its first block.</summary>
    /// <exception cref="ObjectDisposedException">The source has been disposed.</exception>
    public void BeginEpoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _readAhead?.Drain();
        _epoch = epoch;
        for (int i = 0; i < _order.Length; i++)
            _order[i] = i;
        if (_shuffle != CacheFileShuffle.None)
            new SplitMix64(_seed, (ulong)epoch).Permutation(_order);
        (_position, _batch, _batchCount, _firstLeft, _lastLeft, _inEpoch, _leftoversServed) = (-1, 0, 0, 0, 0, true, false);
        _leftovers.Clear();
        _readAhead?.Request(0);
    }

    /// <summary>Returns the next batch of the epoch, valid until the next call; false when the epoch has no rows left.</summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginEpoch"/> has not been called.</exception>
    /// <exception cref="CacheFileException">A block's data does not match its checksum.</exception>
    public bool TryGetBatch(out RowBlock batch)
    {
        if (!_inEpoch)
            throw new InvalidOperationException("Call BeginEpoch before TryGetBatch.");
        if (_leftoversServed)
        {
            _leftovers.Clear();
            _leftoversServed = false;
        }
        while (true)
        {
            // Rows that make no full batch join the leftovers, always before the block's buffer can be reused.
            if (_firstLeft > 0)
            {
                if (MoveToLeftovers(ref _firstStart, ref _firstLeft))
                    return ServeLeftovers(out batch);
                continue;
            }
            if (_batch < _batchCount)
            {
                int b = _batchOrder[_batch++];
                batch = Current().Slice(_batchBase + b * _batchSize + (b >= _tailBatch ? _tailLength : 0), _batchSize);
                return true;
            }
            if (_lastLeft > 0)
            {
                if (MoveToLeftovers(ref _lastStart, ref _lastLeft))
                    return ServeLeftovers(out batch);
                continue;
            }
            if (_position + 1 < _order.Length)
            {
                Advance();
                continue;
            }
            if (_leftovers.RowCount > 0)
                return ServeLeftovers(out batch);
            batch = default;
            return false;
        }
    }

    /// <summary>Copies rows of the current block into the leftovers, up to a full batch; returns whether the leftovers are full.</summary>
    private bool MoveToLeftovers(ref int start, ref int left)
    {
        int take = Math.Min(left, _batchSize - _leftovers.RowCount);
        _leftovers.Append(Current(), start, take);
        start += take;
        left -= take;
        return _leftovers.RowCount == _batchSize;
    }

    /// <summary>Ends epoch <paramref name="epoch"/>; a block still being read ahead is waited for.</summary>
    public void EndEpoch(int epoch)
    {
        _readAhead?.Drain();
        _inEpoch = false;
    }

    /// <summary>Stops the read-ahead thread. The reader is not disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        _readAhead?.Dispose();
    }

    private bool ServeLeftovers(out RowBlock batch)
    {
        _leftoversServed = true;
        batch = _leftovers.View();
        return true;
    }

    private RowBlock Current()
    {
        var slot = _slots[_position & 1];
        if (slot.Direct)
            return _reader.ReadBlock(slot.Block);
        return _reader.Schema.IsSparse ? slot.Buffer.ViewOver(_reader.ReadBlock(slot.Block)) : slot.Buffer.View();
    }

    /// <summary>Moves to the next block of the epoch and plans its batches: the full ones in their order, and where its leftover rows are.</summary>
    private void Advance()
    {
        int next = _position + 1;
        if (_readAhead is null)
        {
            Prepare(next);
        }
        else
        {
            _readAhead.Wait();
            if (next + 1 < _order.Length)
                _readAhead.Request(next + 1);
        }
        _position = next;
        int block = _order[next];
        int rows = _reader.BlockRowCount(block);
        _batch = 0;
        if (_shuffle == CacheFileShuffle.None)
        {
            // File order: the block's first rows complete the batch the previous block began; its last rows begin the next one.
            _firstStart = 0;
            _firstLeft = _leftovers.RowCount > 0 ? Math.Min(_batchSize - _leftovers.RowCount, rows) : 0;
            _batchBase = _firstLeft;
            _batchCount = (rows - _batchBase) / _batchSize;
            (_tailBatch, _tailLength) = (int.MaxValue, 0);
            _lastStart = _batchBase + _batchCount * _batchSize;
            _lastLeft = rows - _lastStart;
            for (int i = 0; i < _batchCount; i++)
                _batchOrder[i] = i;
            return;
        }
        // Shuffled: the full batches in order (their rows were shuffled) or in a random order, and the rows that make no full
        // batch at the end or at a random batch position.
        _batchBase = 0;
        _batchCount = rows / _batchSize;
        for (int i = 0; i < _batchCount; i++)
            _batchOrder[i] = i;
        _tailBatch = _batchCount;
        if (_shuffle == CacheFileShuffle.BlocksAndBatches)
        {
            var random = new SplitMix64(_seed, Stream(_epoch, block));
            random.Permutation(_batchOrder.AsSpan(0, _batchCount));
            _tailBatch = random.NextInt(_batchCount + 1);
        }
        _tailLength = rows - _batchCount * _batchSize;
        (_firstStart, _firstLeft) = (_tailBatch * _batchSize, _tailLength);
        _lastLeft = 0;
    }

    private static ulong Stream(int epoch, int block) => BlockStream ^ ((ulong)(uint)epoch << 32 | (uint)block);

    /// <summary>Fills the slot of position <paramref name="position"/> with its block: checked, and its rows shuffled if asked.</summary>
    private void Prepare(int position)
    {
        var slot = _slots[position & 1];
        int block = _order[position];
        var rows = _reader.ReadBlock(block);
        slot.Block = block;
        slot.Direct = _shuffle != CacheFileShuffle.BlocksAndRows;
        if (slot.Direct)
            return;
        var permutation = slot.Permutation.AsSpan(0, rows.RowCount);
        new SplitMix64(_seed, Stream(_epoch, block)).Permutation(permutation);
        if (rows.IsSparse)
            slot.Buffer.PermuteOffsets(rows, permutation); // the nonzeros stay in the map; only 12 bytes a row move
        else
            slot.Buffer.Gather(rows, permutation);
    }

    private sealed class Slot(CacheFileSchema schema, int rows, int storedValues)
    {
        public RowBlockBuffer Buffer { get; } = new(schema.FeatureCount, schema.IsSparse, rows, storedValues);

        public int[] Permutation { get; } = new int[rows];

        public int Block { get; set; } = -1;

        public bool Direct { get; set; }
    }
}
