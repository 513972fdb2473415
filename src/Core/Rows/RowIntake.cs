namespace MlNetGd.Trainers.Core;

/// <summary>Takes the rows of a fit's one read of its source as they come, holds the first <see cref="RowStorage.ProbeRows"/>,
/// decides from them whether the rows are stored dense or CSR (<see cref="RowStorage"/>), and forwards every row, in order, to the
/// storage made for that choice. A source that can be read only once is read once.</summary>
internal sealed class RowIntake
{
    private readonly int _featureCount;
    private readonly Func<bool, double, IRowSink> _createSink;
    private readonly RowBlockBuffer _held;
    private IRowSink? _sink;
    private int _heldRows;
    private long _nonzeros;

    /// <summary>Creates the intake of rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">d.</param>
    /// <param name="createSink">Makes the storage once the choice is made: given whether the rows are sparse and the density of the
    /// leading rows.</param>
    /// <param name="decided">The storage when the caller has decided it already (an in-place fit's probe that declined), or
    /// <see langword="null"/> to decide from the leading rows.</param>
    public RowIntake(int featureCount, Func<bool, double, IRowSink> createSink, (bool Sparse, double Density)? decided = null)
    {
        _featureCount = featureCount;
        _createSink = createSink;
        _held = new RowBlockBuffer(featureCount, sparse: true, decided is null ? RowStorage.ProbeRows : 0, decided is null ? RowStorage.ProbeRows * 16 : 0);
        _held.Begin(decided is null ? RowStorage.ProbeRows : 0);
        if (decided is { } storage)
        {
            IsSparse = storage.Sparse;
            _sink = createSink(storage.Sparse, storage.Density);
        }
    }

    /// <summary>Gets the number of rows taken.</summary>
    public long RowCount { get; private set; }

    /// <summary>Gets whether the rows are stored as CSR (valid once <see cref="Finish"/> has returned or the probe rows are in).</summary>
    public bool IsSparse { get; private set; }

    /// <summary>Takes every row of a pass read once, to its end.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (checked every 4096 rows).</exception>
    public void AddAll(IRowPass rows, CancellationToken cancellationToken)
    {
        rows.Restart();
        for (long row = 0; rows.Next(out float label, out var indices, out var values); row++)
        {
            if ((row & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            Add(label, indices, values);
        }
    }

    /// <summary>Takes one checked row.</summary>
    public void Add(float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        RowCount++;
        if (_sink is not null)
        {
            _sink.Add(label, indices, values);
            return;
        }
        _held.Put(_heldRows++, label, indices, values);
        _nonzeros += RowStorage.CountNonzeros(values);
        if (_heldRows == RowStorage.ProbeRows)
            Decide();
    }

    /// <summary>Ends the read: decides the storage if fewer than the probe rows came, and returns the storage.</summary>
    /// <exception cref="ArgumentException">No row came: the training data has no rows.</exception>
    public IRowSink Finish()
    {
        if (RowCount == 0)
            throw new ArgumentException("The training data has no rows.", "data");
        if (_sink is null)
            Decide();
        return _sink!;
    }

    private void Decide()
    {
        (IsSparse, double density) = RowStorage.Decide(_nonzeros, _heldRows, _featureCount);
        _sink = _createSink(IsSparse, density);
        RowBlock held = _held.View().Slice(0, _heldRows);
        for (int i = 0; i < _heldRows; i++)
        {
            int start = held.RowStarts[i], end = held.RowEnds[i];
            _sink.Add(held.Labels[i], held.Indices[start..end], held.Values[start..end]);
        }
    }
}
