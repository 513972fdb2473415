namespace MlNetGd.Data;

/// <summary>Reads a column whose cells are numbers (as far as the file's first rows show): each cell is converted as it is read and
/// held as a float (NaN when missing or not a number), and the profile counts what it found.</summary>
/// <remarks>A cell costs a parse and a few counters in this object: a wide file reads a row across hundreds of these, so anything
/// larger per cell (a set of the distinct values, say) would miss the caches on every cell. Distinct values are counted at the end,
/// one column at a time, from the floats held. Only numbers are profiled in full here: a column that turns out to hold many cells
/// that are not numbers is read again as strings (<see cref="TextColumnScanner"/>) by <see cref="DelimitedFile"/>.</remarks>
internal sealed class NumberColumnScanner(ColumnProfile profile, bool decimalComma, int capacity) : ColumnScanner(profile)
{
    private readonly List<string> _samples = [];
    private readonly List<float> _sampleValues = [];
    private float[] _values = GC.AllocateUninitializedArray<float>(capacity);
    private int _missing, _present, _numeric, _integer, _numberLike;
    private float _minimum = float.NaN, _maximum = float.NaN;
    private (long Row, string Text)? _firstNonNumeric, _firstTooLarge, _firstInfinite;

    public override void Observe(ReadOnlySpan<char> cell, int row)
    {
        float value = float.NaN;
        if (NumberText.IsMissing(cell))
        {
            _missing++;
        }
        else if (NumberText.TryParse(cell, decimalComma, out value))
        {
            _present++;
            _numeric++;
            _integer += value == MathF.Floor(value) ? 1 : 0;
            _minimum = float.IsNaN(_minimum) || value < _minimum ? value : _minimum;
            _maximum = float.IsNaN(_maximum) || value > _maximum ? value : _maximum;
            if (MathF.Abs(value) > DelimitedFile.LargestUsableMagnitude)
            {
                _firstTooLarge ??= (row, cell.ToString());
                if (float.IsInfinity(value))
                    _firstInfinite ??= (row, cell.ToString());
            }
            if (_samples.Count < ColumnProfile.MaxSamples && !_sampleValues.Contains(value))
            {
                _sampleValues.Add(value);
                _samples.Add(cell.ToString());
            }
        }
        else
        {
            _present++;
            _numberLike += NumberText.LooksLikeNumber(cell, decimalComma) ? 1 : 0;
            _firstNonNumeric ??= (row, cell.ToString());
            value = float.NaN;
        }
        EnsureCapacity(ref _values, row);
        _values[row] = value;
    }

    public override StoredColumn? Finish(int rows)
    {
        var p = Profile;
        var c = p.Counts;
        (c.Missing, c.Present, c.Numeric, c.Integer, c.NumberLike) = (_missing, _present, _numeric, _integer, _numeric + _numberLike);
        (p.Range, p.FirstNonNumeric, p.FirstTooLarge, p.FirstInfinite) = ((_minimum, _maximum), _firstNonNumeric, _firstTooLarge, _firstInfinite);
        (p.Samples, p.DecimalComma) = (_samples, decimalComma);
        var distinct = new HashSet<float>();
        for (int row = 0; row < rows && distinct.Count <= ColumnProfile.MaxDistinctTracked; row++)
        {
            if (!float.IsNaN(_values[row]))
                distinct.Add(_values[row]);
        }
        p.DistinctCountIsCapped = distinct.Count > ColumnProfile.MaxDistinctTracked;
        p.CountsRows = rows >= ColumnInference.MinRowsForIdentifier && _values[0] is 0 or 1 && CountsUpByOne(_values.AsSpan(0, rows));
        p.DistinctCount = Math.Min(distinct.Count, ColumnProfile.MaxDistinctTracked);
        return StoredColumn.OfNumbers(_values);
    }

    /// <summary>Whether every value is the one before plus one (a row number: pandas' index, a spreadsheet's row).</summary>
    private static bool CountsUpByOne(ReadOnlySpan<float> values)
    {
        for (int row = 1; row < values.Length; row++)
        {
            if (values[row] != values[row - 1] + 1)
                return false;
        }
        return true;
    }
}
