namespace MlNetGd.Trainers.Core;

/// <summary>Serves the rows of a cache file as batches, epoch after epoch: blocks in a seeded random order, each entered at a random
/// row or with its rows reshuffled, and the next block read on another thread while the caller trains on the current one.</summary>
/// <remarks>
/// <para>Batches: the cached loop's K = ⌈n/B⌉ batches of equal size (⌊n/K⌋ or ⌈n/K⌉ rows, batch j ending at row ⌊(j+1)·n/K⌋ of the
/// epoch's sequence; <see cref="GradientDescentLoop.BatchStart"/>), so there is no small, noisy last batch. A batch inside one
/// block is served straight from the memory map (no copy); one that spans two blocks is copied into a buffer.</para>
/// <para>Order (<see cref="CacheFileShuffle"/>): epoch e visits the blocks in the permutation drawn from <c>SplitMix64(seed, e)</c>
/// (the file's order for <see cref="CacheFileShuffle.None"/>). With <see cref="CacheFileShuffle.BlocksAndBatches"/> each block is
/// read from a row drawn from <c>SplitMix64(seed, stream(e, block))</c> to its end and then from its start, so the batch boundaries
/// move every epoch — the cached loop's order (1 MB super-blocks in a random order, batches in order inside) over rows that the
/// writer shuffled once. With <see cref="CacheFileShuffle.BlocksAndRows"/> the block's rows are first copied in the order drawn from
/// that generator. The batches depend only on the file, the seed, the epoch and B — never on timing — so reading ahead or not gives
/// the same batches bit for bit (tested); without shuffling they are <see cref="CachedBatches"/>' batches of the same rows.</para>
/// <para>Reading ahead (double buffering): while the caller trains on block p, a background thread checks block p + 1's checksum
/// (first read only) and, for <see cref="CacheFileShuffle.BlocksAndRows"/>, shuffles its rows into the other buffer (CSR rows by
/// their offsets only). Buffers are allocated up front; an epoch allocates nothing.</para>
/// <para>Memory: with <c>memoryMap</c> (the default) blocks are read straight from the map, and the pages touched count in the
/// process's resident memory (clean page cache, reclaimed under pressure); without it each block is read into one of the two slot
/// buffers (<see cref="CacheFileReader.ReadBlock(int, Span{byte})"/>), one copy a block, and the process holds about two blocks
/// whatever the file's size — the streamed fit's memory bound.</para>
/// <para>Lifetime: a batch is valid until the next call to <see cref="TryGetBatch"/>; the reader must outlive the source. One caller
/// thread at a time.</para>
/// </remarks>
public sealed class CacheFileBatchSource : IBatchSource, IDisposable
{
    private const ulong BlockStream = 0x632BE59BD9B4E019UL;

    private readonly CacheFileReader _reader;
    private readonly TrainingRows? _validation;
    private readonly CacheFileShuffle _shuffle;
    private readonly bool _memoryMap;
    private readonly int _seed;
    private readonly int[] _order;
    private readonly Slot[] _slots;
    private readonly RowBlockBuffer _spanning;
    private readonly ReadAhead? _readAhead;
    private bool _disposed;
    private int _epoch;
    private bool _inEpoch;
    private int _position;
    private long _batch;
    private int _segmentStart;
    private int _segmentEnd;
    private int _wrapEnd;

    /// <summary>Creates a source over <paramref name="reader"/>'s rows.</summary>
    /// <param name="reader">The open cache file; it must outlive the source.</param>
    /// <param name="batchSize">The largest number of rows per batch (B), at least 1; the rows are cut into ⌈n/B⌉ batches of equal size.</param>
    /// <param name="shuffle">How to order the rows each epoch.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="readAhead">Whether to read the next block on a background thread; the batches are the same either way.</param>
    /// <param name="validation">Held-out rows measured after each epoch (<see cref="Validation"/>), or null for none.</param>
    /// <param name="memoryMap">Whether blocks are read straight from the memory map (no copy) or copied into two block buffers
    /// (resident memory bounded by them); the batches are the same either way.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="validation"/> has another feature count.</exception>
    public CacheFileBatchSource(CacheFileReader reader, int batchSize, CacheFileShuffle shuffle, int seed, bool readAhead = true,
        TrainingRows? validation = null, bool memoryMap = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1.");
        if (validation is not null && validation.FeatureCount != reader.Schema.FeatureCount)
            throw new ArgumentException($"The validation rows have {validation.FeatureCount} features; the cache file has {reader.Schema.FeatureCount}.", nameof(validation));
        _reader = reader;
        _validation = validation;
        _shuffle = shuffle;
        _memoryMap = memoryMap;
        _seed = seed;
        _order = new int[reader.BlockCount];
        BatchCount = Math.Max(1, (reader.RowCount + batchSize - 1) / batchSize);
        var schema = reader.Schema;
        bool copies = shuffle == CacheFileShuffle.BlocksAndRows;
        int rows = copies ? reader.MaxBlockRows : 0, stored = copies ? reader.MaxBlockStoredValues : 0;
        int bytes = memoryMap ? 0 : reader.MaxBlockBytes;
        _slots = [new Slot(schema, rows, stored, bytes), new Slot(schema, rows, stored, bytes)];
        int largest = (int)Math.Min(BatchEnd(0), int.MaxValue);
        _spanning = new RowBlockBuffer(schema.FeatureCount, schema.IsSparse, largest + 1,
            schema.IsSparse ? Math.Min(reader.MaxBlockStoredValues, largest * 16) : (largest + 1) * schema.FeatureCount);
        if (readAhead && reader.BlockCount > 1)
            _readAhead = new ReadAhead(Prepare, "MlNetGd cache-file read-ahead");
    }

    /// <inheritdoc/>
    public int FeatureCount => _reader.Schema.FeatureCount;

    /// <inheritdoc/>
    public RowBlock Validation => _validation is null ? RowBlock.Dense([], [], FeatureCount) : _validation.Rows();

    /// <inheritdoc/>
    public long RowCount => _reader.RowCount;

    /// <inheritdoc/>
    public bool IsSparse => _reader.Schema.IsSparse;

    /// <inheritdoc/>
    public IRowPass OpenPass() => new CacheFileRowPass(_reader);

    /// <summary>Gets the number of batches per epoch (K = ⌈n/B⌉).</summary>
    public long BatchCount { get; }

    /// <inheritdoc/>
    public long SmallestBatch => RowCount / BatchCount;

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
        (_position, _batch, _segmentStart, _segmentEnd, _wrapEnd, _inEpoch) = (-1, 0, 0, 0, 0, true);
        _readAhead?.Request(0);
    }

    /// <summary>Returns the next batch of the epoch, valid until the next call; false when the epoch has no rows left.</summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginEpoch"/> has not been called.</exception>
    /// <exception cref="CacheFileException">A block's data does not match its checksum.</exception>
    public bool TryGetBatch(out RowBlock batch)
    {
        if (!_inEpoch)
            throw new InvalidOperationException("Call BeginEpoch before TryGetBatch.");
        if (_batch == BatchCount || RowCount == 0)
        {
            batch = default;
            return false;
        }
        int size = (int)(BatchEnd(_batch) - (_batch == 0 ? 0 : BatchEnd(_batch - 1)));
        _batch++;
        NextRows();
        if (_segmentEnd - _segmentStart >= size)
        {
            batch = Current().Slice(_segmentStart, size);
            _segmentStart += size;
            return true;
        }
        // The batch spans blocks (or a block's wrap-around): its rows are copied into one buffer, segment after segment.
        _spanning.Clear();
        while (_spanning.RowCount < size)
        {
            NextRows();
            int take = Math.Min(size - _spanning.RowCount, _segmentEnd - _segmentStart);
            _spanning.Append(Current(), _segmentStart, take);
            _segmentStart += take;
        }
        batch = _spanning.View();
        return true;
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

    private long BatchEnd(long batch) => (batch + 1) * RowCount / BatchCount;

    /// <summary>Makes the current segment non-empty: the rest of the block's first run, its wrap-around, or the next block.</summary>
    private void NextRows()
    {
        while (_segmentStart == _segmentEnd)
        {
            if (_wrapEnd > 0)
                (_segmentStart, _segmentEnd, _wrapEnd) = (0, _wrapEnd, 0);
            else if (_position + 1 < _order.Length)
                Advance();
            else
                throw new InvalidOperationException($"The cache file '{_reader.Path}' ran out of rows before batch {_batch} of {BatchCount}.");
        }
    }

    private RowBlock Current()
    {
        var slot = _slots[_position & 1];
        if (!slot.Direct && !_reader.Schema.IsSparse)
            return slot.Buffer.View();
        var block = _memoryMap ? _reader.ReadBlock(slot.Block) : _reader.InBuffer(slot.Block, slot.Bytes);
        return slot.Direct ? block : slot.Buffer.ViewOver(block);
    }

    /// <summary>Moves to the next block of the epoch and chooses the row it is entered at.</summary>
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
        int entry = _shuffle == CacheFileShuffle.BlocksAndBatches ? new SplitMix64(_seed, Stream(_epoch, block)).NextInt(rows) : 0;
        (_segmentStart, _segmentEnd, _wrapEnd) = (entry, rows, entry);
    }

    private static ulong Stream(int epoch, int block) => BlockStream ^ ((ulong)(uint)epoch << 32 | (uint)block);

    /// <summary>Fills the slot of position <paramref name="position"/> with its block: checked, and its rows shuffled if asked.</summary>
    private void Prepare(int position)
    {
        var slot = _slots[position & 1];
        int block = _order[position];
        var rows = _memoryMap ? _reader.ReadBlock(block) : _reader.ReadBlock(block, slot.Bytes);
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

    private sealed class Slot(CacheFileSchema schema, int rows, int storedValues, int bytes)
    {
        public byte[] Bytes { get; } = new byte[bytes];

        public RowBlockBuffer Buffer { get; } = new(schema.FeatureCount, schema.IsSparse, rows, storedValues);

        public int[] Permutation { get; } = new int[rows];

        public int Block { get; set; } = -1;

        public bool Direct { get; set; }
    }
}
