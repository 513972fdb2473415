using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>The one door of an <see cref="IDataView"/>'s rows into a fit: sequential passes (<see cref="IRowPass"/>), one cursor per
/// pass in the source's order, every row checked as it is read (<see cref="RowCheck"/>: the error names the source's row, the column
/// and the slot, in the same words whichever way the rows then go — a copy, in place, a cache file).</summary>
internal sealed class DataViewRowPass : IRowPass, IDisposable
{
    private readonly IDataView _data;
    private readonly DataViewColumns _columns;
    private readonly bool _skipNonFinite;
    private RowCursorReader? _reader;

    /// <summary>Passes over <paramref name="data"/>'s columns.</summary>
    /// <param name="data">The data.</param>
    /// <param name="columns">The columns, found once.</param>
    /// <param name="rowCount">The rows every pass returns, or −1 when unknown (a pass read once, to its end).</param>
    /// <param name="skipNonFinite">Whether a row with a NaN or infinite label or value is passed over (and counted in
    /// <see cref="Skipped"/>) instead of being an error; a pass then returns fewer rows than the source has.</param>
    public DataViewRowPass(IDataView data, DataViewColumns columns, long rowCount, bool skipNonFinite = false)
    {
        _data = data;
        _columns = columns;
        _skipNonFinite = skipNonFinite;
        RowCount = rowCount;
    }

    /// <inheritdoc/>
    public long RowCount { get; }

    /// <inheritdoc/>
    public int FeatureCount => _columns.FeatureCount;

    /// <summary>Gets the source's number of the row read last (−1 before the first): what errors name.</summary>
    public long Position => (_reader?.RowsRead ?? 0) - 1;

    /// <summary>Gets how many rows the current pass has passed over for a NaN or infinite value.</summary>
    public long Skipped { get; private set; }

    /// <inheritdoc/>
    public void Restart()
    {
        _reader?.Dispose();
        _reader = new RowCursorReader(_data, _columns);
        Skipped = 0;
    }

    /// <inheritdoc/>
    public bool Skip() => _reader!.Skip();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values)
    {
        while (_reader!.Skip())
        {
            _reader.Read(out label);
            ref readonly VBuffer<float> x = ref _reader.Features;
            values = x.GetValues();
            indices = x.IsDense ? default : x.GetIndices();
            if (RowCheck.HasValidValues(label, values) && x.Length == _columns.FeatureCount)
                return true;
            if (_skipNonFinite && x.Length == _columns.FeatureCount && RowCheck.HasNonFiniteValue(label, values))
            {
                Skipped++;
                continue;
            }
            RowCheck.Check(Position, label, indices, values, x.Length, _columns.FeatureCount, _columns.Names); // throws: the row failed the fast check
            return true;
        }
        label = 0;
        indices = default;
        values = default;
        return false;
    }

    public void Dispose() => _reader?.Dispose();
}
