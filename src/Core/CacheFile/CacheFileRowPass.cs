namespace MlNetGd.Trainers.Core;

/// <summary>The rows of a cache file in file order, as a pass (<see cref="IRowPass"/>): what a fit from a cache file is surveyed
/// with. Each block is read into one buffer (its checksum checked the first time), so memory stays one block whatever the file's
/// size.</summary>
public sealed class CacheFileRowPass : IRowPass
{
    private readonly CacheFileReader _reader;
    private readonly byte[] _buffer;
    private int _block = -1;
    private int _blockRows;
    private int _row;

    /// <summary>A pass over the rows of <paramref name="reader"/>, which must outlive it.</summary>
    public CacheFileRowPass(CacheFileReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _buffer = new byte[reader.MaxBlockBytes];
    }

    /// <inheritdoc/>
    public long RowCount => _reader.RowCount;

    /// <inheritdoc/>
    public int FeatureCount => _reader.Schema.FeatureCount;

    /// <inheritdoc/>
    public void Restart() => (_block, _blockRows, _row) = (-1, 0, 0);

    /// <inheritdoc/>
    public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        if (!Skip())
        {
            label = 0;
            indices = default;
            values = default;
            return false;
        }
        RowBlock block = _reader.InBuffer(_block, _buffer);
        int i = _row - 1;
        label = block.Labels[i];
        if (block.IsSparse)
        {
            indices = block.Indices[block.RowStarts[i]..block.RowEnds[i]];
            values = block.Values[block.RowStarts[i]..block.RowEnds[i]];
        }
        else
        {
            indices = default;
            values = block.DenseFeatures.Slice(i * block.FeatureCount, block.FeatureCount);
        }
        return true;
    }

    /// <inheritdoc/>
    public bool Skip()
    {
        while (_row == _blockRows)
        {
            if (_block + 1 == _reader.BlockCount)
                return false;
            _block++;
            _reader.ReadBlock(_block, _buffer); // checks the block's checksum the first time
            (_blockRows, _row) = (_reader.BlockRowCount(_block), 0);
        }
        _row++;
        return true;
    }
}
