namespace MlNetGd.Data;

/// <summary>Reads a column whose cells are numbers (as far as the file's first rows show): each cell is converted as it is read and
/// held as a float (NaN when missing or not a number), and the profile counts what it found.</summary>
/// <remarks>Only numbers are profiled in full here. A column that turns out to hold many cells that are not numbers is read again as
/// strings (<see cref="TextColumnScanner"/>) by <see cref="DelimitedFile"/>, so its profile is exact either way.</remarks>
internal sealed class NumberColumnScanner(ColumnProfile profile, bool decimalComma, int capacity, bool store) : ColumnScanner(profile)
{
    private readonly ProfileTally _tally = new(profile);
    private readonly HashSet<float> _distinct = [];
    private readonly List<string> _samples = [];
    private float[] _values = store ? GC.AllocateUninitializedArray<float>(capacity) : [];
    private bool _capped;

    public override void Observe(ReadOnlySpan<char> cell, int row)
    {
        float value = float.NaN;
        if (NumberText.IsMissing(cell))
        {
            _tally.AddMissing(1);
        }
        else if (NumberText.TryParse(cell, decimalComma, out value))
        {
            _tally.AddNumber(value, 1, row, cell);
            if (!_capped && !_distinct.Contains(value))
            {
                if (_distinct.Count == ColumnProfile.MaxDistinctTracked)
                {
                    _capped = true;
                    _distinct.Clear();
                }
                else
                {
                    _distinct.Add(value);
                    if (_samples.Count < ColumnProfile.MaxSamples)
                        _samples.Add(cell.ToString());
                }
            }
        }
        else
        {
            _tally.AddNotNumber(1, row, cell, NumberText.TryParse(cell, !decimalComma, out _) || NumberText.LooksLikeDecimalComma(cell));
            value = float.NaN;
        }
        if (store)
        {
            EnsureCapacity(ref _values, row);
            _values[row] = value;
        }
    }

    public override StoredColumn? Finish(int rows)
    {
        _tally.Finish(_capped ? ColumnProfile.MaxDistinctTracked : _distinct.Count, _capped, _samples);
        Profile.DecimalComma = decimalComma;
        return store ? StoredColumn.OfNumbers(_values) : null;
    }
}
