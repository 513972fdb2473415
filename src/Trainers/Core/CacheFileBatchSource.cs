using System.Runtime.ExceptionServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Serves the rows of a cache file as batches, epoch after epoch: blocks in a seeded random order, rows shuffled inside
/// each block, and the next block read on another thread while the caller trains on the current one.</summary>
/// <remarks>
/// <para>Order: with shuffling, epoch e visits the blocks in the permutation drawn from <c>SplitMix64(seed, e)</c> and the rows of
/// block k in the permutation drawn from <c>SplitMix64(seed, stream(e, k))</c>; without it, the file's order. Batches are
/// <c>batchSize</c> consecutive rows of that sequence (a batch that spans two blocks is copied into one buffer) and the last
/// batch of an epoch holds what is left. The sequence depends only on the file, the seed, the epoch and the batch size — never on
/// timing — so reading ahead or not (<c>readAhead</c>) gives the same batches bit for bit (tested).</para>
/// <para>Reading ahead (double buffering): while the caller trains on the batches of block p, a background thread checks block p + 1's
/// checksum and gathers its shuffled rows into the other buffer. Without shuffling the rows are served straight from the memory
/// map, with no copy. Two block buffers and one spanning-batch buffer are allocated up front; an epoch allocates nothing.</para>
/// <para>Lifetime: a batch is valid until the next call to <see cref="TryGetBatch"/>; the reader must outlive the source. The method
/// names are those of the training loop's batch-source contract: <see cref="BeginEpoch"/>, <see cref="TryGetBatch"/>,
/// <see cref="EndEpoch"/>. One caller thread at a time.</para>
/// </remarks>
public sealed class CacheFileBatchSource : IDisposable
{
    private const ulong RowShuffleStream = 0x632BE59BD9B4E019UL;

    private readonly CacheFileReader _reader;
    private readonly int _batchSize;
    private readonly bool _shuffle;
    private readonly int _seed;
    private readonly int[] _order;
    private readonly Slot[] _slots;
    private readonly RowBlockBuffer _spanning;
    private readonly Thread? _readAhead;
    private readonly SemaphoreSlim _request = new(0);
    private readonly SemaphoreSlim _ready = new(0);
    private ExceptionDispatchInfo? _failure;
    private int _requested;
    private bool _inFlight;
    private volatile bool _stopping;
    private int _epoch;
    private bool _inEpoch;
    private int _position;
    private int _offset;
    private int _currentRows;

    /// <summary>Creates a source over <paramref name="reader"/>'s rows.</summary>
    /// <param name="reader">The open cache file; it must outlive the source.</param>
    /// <param name="batchSize">The rows per batch, at least 1.</param>
    /// <param name="shuffle">Whether to shuffle the block order and the rows within each block every epoch.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    /// <param name="readAhead">Whether to read the next block on a background thread; the batches are the same either way.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public CacheFileBatchSource(CacheFileReader reader, int batchSize, bool shuffle, int seed, bool readAhead = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be at least 1.");
        _reader = reader;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
        _order = new int[reader.BlockCount];
        var schema = reader.Schema;
        int maxStored = reader.MaxBlockStoredValues;
        _slots = [new Slot(schema, shuffle ? reader.MaxBlockRows : 0, shuffle ? maxStored : 0),
                  new Slot(schema, shuffle ? reader.MaxBlockRows : 0, shuffle ? maxStored : 0)];
        int spanningRows = (int)Math.Min(batchSize, Math.Max(1, reader.RowCount));
        _spanning = new RowBlockBuffer(schema.FeatureCount, schema.IsSparse, spanningRows,
            schema.IsSparse ? Math.Min(maxStored, spanningRows * 16) : spanningRows * schema.FeatureCount);
        if (readAhead && reader.BlockCount > 1)
        {
            _readAhead = new Thread(ReadAheadLoop) { IsBackground = true, Name = "MlNetGd cache-file read-ahead" };
            _readAhead.Start();
        }
    }

    /// <summary>Gets the number of rows an epoch visits.</summary>
    public long RowCount => _reader.RowCount;

    /// <summary>Gets the rows per batch.</summary>
    public int BatchSize => _batchSize;

    /// <summary>Starts epoch <paramref name="epoch"/>: draws its block order and starts reading its first block.</summary>
    /// <exception cref="ObjectDisposedException">The source has been disposed.</exception>
    public void BeginEpoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        Drain();
        _epoch = epoch;
        for (int i = 0; i < _order.Length; i++)
            _order[i] = i;
        if (_shuffle)
            new SplitMix64(_seed, (ulong)epoch).Permutation(_order);
        (_position, _offset, _currentRows, _inEpoch) = (-1, 0, 0, true);
        if (_readAhead is not null)
            Request(0);
    }

    /// <summary>Returns the next batch of the epoch, valid until the next call; false when the epoch has no rows left.</summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginEpoch"/> has not been called.</exception>
    /// <exception cref="CacheFileException">A block's data does not match its checksum.</exception>
    public bool TryGetBatch(out RowBlock batch)
    {
        if (!_inEpoch)
            throw new InvalidOperationException("Call BeginEpoch before TryGetBatch.");
        while (_offset == _currentRows && HasNextBlock)
            Advance();
        int remaining = _currentRows - _offset;
        if (remaining == 0)
        {
            batch = default;
            return false;
        }
        if (remaining >= _batchSize || !HasNextBlock)
        {
            int take = Math.Min(remaining, _batchSize);
            batch = Current().Slice(_offset, take);
            _offset += take;
            return true;
        }
        // The batch spans blocks: its rows are copied into one buffer, block after block.
        _spanning.Clear();
        while (true)
        {
            int take = Math.Min(_currentRows - _offset, _batchSize - _spanning.RowCount);
            _spanning.Append(Current(), _offset, take);
            _offset += take;
            if (_spanning.RowCount == _batchSize || !HasNextBlock)
                break;
            Advance();
        }
        batch = _spanning.View();
        return true;
    }

    /// <summary>Ends epoch <paramref name="epoch"/>; a block still being read ahead is waited for.</summary>
    public void EndEpoch(int epoch)
    {
        Drain();
        _inEpoch = false;
    }

    /// <summary>Stops the read-ahead thread. The reader is not disposed.</summary>
    public void Dispose()
    {
        if (_stopping)
            return;
        Drain();
        _stopping = true;
        if (_readAhead is not null)
        {
            _request.Release();
            _readAhead.Join();
        }
        _request.Dispose();
        _ready.Dispose();
    }

    private bool HasNextBlock => _position + 1 < _order.Length;

    private RowBlock Current()
    {
        var slot = _slots[_position & 1];
        return slot.Direct ? _reader.ReadBlock(slot.Block) : slot.Buffer.View();
    }

    private void Advance()
    {
        int next = _position + 1;
        if (_readAhead is null)
        {
            Prepare(next);
        }
        else
        {
            WaitReady();
            if (next + 1 < _order.Length)
                Request(next + 1);
        }
        _position = next;
        _offset = 0;
        _currentRows = _reader.BlockRowCount(_order[next]);
    }

    /// <summary>Fills the slot of position <paramref name="position"/> with its block: checked, and shuffled if asked.</summary>
    private void Prepare(int position)
    {
        var slot = _slots[position & 1];
        int block = _order[position];
        var rows = _reader.ReadBlock(block);
        slot.Block = block;
        slot.Direct = !_shuffle;
        if (!_shuffle)
            return;
        var permutation = slot.Permutation.AsSpan(0, rows.RowCount);
        new SplitMix64(_seed, RowShuffleStream ^ ((ulong)(uint)_epoch << 32 | (uint)block)).Permutation(permutation);
        slot.Buffer.Gather(rows, permutation);
    }

    private void Request(int position)
    {
        _requested = position;
        _inFlight = true;
        _request.Release();
    }

    private void WaitReady()
    {
        _ready.Wait();
        _inFlight = false;
        var failure = _failure;
        _failure = null;
        failure?.Throw();
    }

    /// <summary>Waits for a block still being read ahead (an epoch that ended early); its failure, if any, is dropped and
    /// recurs when the block is read again.</summary>
    private void Drain()
    {
        if (!_inFlight)
            return;
        _ready.Wait();
        _inFlight = false;
        _failure = null;
    }

    private void ReadAheadLoop()
    {
        while (true)
        {
            _request.Wait();
            if (_stopping)
                return;
            try
            {
                Prepare(_requested);
            }
            catch (Exception error)
            {
                _failure = ExceptionDispatchInfo.Capture(error);
            }
            _ready.Release();
        }
    }

    private sealed class Slot(CacheFileSchema schema, int rows, int storedValues)
    {
        public RowBlockBuffer Buffer { get; } = new(schema.FeatureCount, schema.IsSparse, rows, storedValues);

        public int[] Permutation { get; } = new int[rows];

        public int Block { get; set; } = -1;

        public bool Direct { get; set; }
    }
}
