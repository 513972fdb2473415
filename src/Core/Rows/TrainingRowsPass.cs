namespace MlNetGd.Trainers.Core;

/// <summary>The first rows of a <see cref="TrainingRows"/> as a pass (<see cref="IRowPass"/>): how a fit on a copy in memory is
/// surveyed, by the same code as every other source. The rows are checked already.</summary>
internal sealed class TrainingRowsPass : IRowPass
{
    private readonly TrainingRows _rows;
    private int _next;

    /// <summary>A pass over rows <c>[0, rowCount)</c> of <paramref name="rows"/>.</summary>
    public TrainingRowsPass(TrainingRows rows, int rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowCount, rows.RowCount);
        _rows = rows;
        RowCount = rowCount;
    }

    /// <inheritdoc/>
    public long RowCount { get; }

    /// <inheritdoc/>
    public int FeatureCount => _rows.FeatureCount;

    /// <inheritdoc/>
    public void Restart() => _next = 0;

    /// <inheritdoc/>
    public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        if (_next == RowCount)
        {
            label = 0;
            indices = default;
            values = default;
            return false;
        }
        RowBlock row = _rows.Rows(_next++, 1);
        label = row.Labels[0];
        indices = row.IsSparse ? row.Indices[row.RowStarts[0]..row.RowEnds[0]] : default;
        values = row.IsSparse ? row.Values[row.RowStarts[0]..row.RowEnds[0]] : row.DenseFeatures;
        return true;
    }

    /// <inheritdoc/>
    public bool Skip()
    {
        if (_next == RowCount)
            return false;
        _next++;
        return true;
    }
}
