namespace MlNetGd.Trainers.Core;

/// <summary>The training rows of a pass over rows read in place, whose held-out rows (<see cref="HoldOut"/>) are passed over: the first
/// whole pass (the survey's) copies them apart, later passes skip them without reading them.</summary>
/// <remarks>Positions count the rows of the underlying pass, so the held-out rows are the ones a copy or a cache file of the same rows
/// holds out. A pass abandoned before its end (cancellation) copies them again on the next one. A source that returns more rows than
/// it reported gives the extra rows as training rows, so the caller's count check sees them.</remarks>
internal sealed class HoldOutPass : IRowPass
{
    private readonly IRowPass _rows;
    private readonly HoldOut _holdOut;
    private readonly bool _sparse;
    private readonly double _density;
    private TrainingRowsBuilder? _copying;
    private long _position;

    /// <summary>Holds <paramref name="holdOut"/>'s rows of <paramref name="rows"/> apart.</summary>
    /// <param name="rows">Every row, held-out ones included; it must outlive this pass.</param>
    /// <param name="holdOut">The positions held out.</param>
    /// <param name="sparse">Whether the held-out rows are kept as CSR (as the training rows are read).</param>
    /// <param name="density">The share of nonzero values expected (sizes CSR arrays).</param>
    public HoldOutPass(IRowPass rows, HoldOut holdOut, bool sparse, double density)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows;
        _holdOut = holdOut;
        _sparse = sparse;
        _density = density;
        RowCount = rows.RowCount - holdOut.HeldOutCount(rows.RowCount);
    }

    /// <inheritdoc/>
    public long RowCount { get; }

    /// <inheritdoc/>
    public int FeatureCount => _rows.FeatureCount;

    /// <summary>Gets the held-out rows once a whole pass has gone by, else <see langword="null"/>.</summary>
    public TrainingRows? HeldOut { get; private set; }

    /// <inheritdoc/>
    public void Restart()
    {
        _rows.Restart();
        _position = 0;
        _copying = HeldOut is null ? new TrainingRowsBuilder(FeatureCount, _sparse, _density, _holdOut.HeldOutCount(_rows.RowCount)) : null;
    }

    /// <inheritdoc/>
    public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        if (!PassHeldOut() || !_rows.Next(out label, out indices, out values))
        {
            label = 0;
            indices = default;
            values = default;
            return End();
        }
        _position++;
        return true;
    }

    /// <inheritdoc/>
    public bool Skip()
    {
        if (!PassHeldOut() || !_rows.Skip())
            return End();
        _position++;
        return true;
    }

    // Moves over the held-out rows at the current position (copying them on the first pass); false when the rows ended among them.
    private bool PassHeldOut()
    {
        while (_position < _rows.RowCount && _holdOut.IsHeldOut(_position))
        {
            bool more;
            if (_copying is null)
            {
                more = _rows.Skip();
            }
            else if (more = _rows.Next(out float label, out var indices, out var values))
            {
                _copying.Add(label, indices, values);
            }
            if (!more)
                return false;
            _position++;
        }
        return true;
    }

    private bool End()
    {
        if (_copying is not null && _position == _rows.RowCount)
        {
            HeldOut = _copying.Build();
            _copying = null;
        }
        return false;
    }
}
