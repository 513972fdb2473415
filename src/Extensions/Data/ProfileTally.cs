namespace MlNetGd.Data;

/// <summary>Adds cells (or a distinct text and how often it occurs) up into a <see cref="ColumnProfile"/>.</summary>
/// <remarks>Cells must be added in the order of their first row, so the first problem cell is the file's first.</remarks>
internal sealed class ProfileTally(ColumnProfile profile)
{
    private double _length, _words;
    private int _dateChecks, _dates, _dateCells;

    public ColumnProfile Profile => profile;

    public void AddMissing(int count) => profile.Counts.Missing += count;

    /// <summary>Adds a number: <paramref name="count"/> cells holding <paramref name="value"/>, first seen on <paramref name="row"/>.</summary>
    public void AddNumber(float value, int count, long row, ReadOnlySpan<char> text)
    {
        profile.Counts.Present += count;
        profile.Counts.Numeric += count;
        profile.Counts.NumberLike += count;
        if (value == MathF.Floor(value))
            profile.Counts.Integer += count;
        var (minimum, maximum) = profile.Range;
        profile.Range = (double.IsNaN(minimum) || value < minimum ? value : minimum, double.IsNaN(maximum) || value > maximum ? value : maximum);
        if (MathF.Abs(value) > DelimitedFile.LargestUsableMagnitude && profile.FirstTooLarge is null)
            profile.FirstTooLarge = (row, text.ToString());
        if (float.IsInfinity(value) && profile.FirstInfinite is null)
            profile.FirstInfinite = (row, text.ToString());
    }

    /// <summary>Adds a present cell that is not a number in the column's reading.</summary>
    public void AddNotNumber(int count, long row, ReadOnlySpan<char> text, bool numberLike)
    {
        profile.Counts.Present += count;
        if (numberLike)
            profile.Counts.NumberLike += count;
        profile.FirstNonNumeric ??= (row, text.ToString());
    }

    /// <summary>Adds <paramref name="count"/> cells with the same facts, first seen on <paramref name="row"/>.</summary>
    public void Add(in CellFacts facts, int count, long row, ReadOnlySpan<char> text)
    {
        if (facts.Missing)
        {
            AddMissing(count);
            return;
        }
        _length += (double)facts.Length * count;
        _words += (double)facts.Words * count;
        if (facts.Numeric)
        {
            AddNumber(facts.Value, count, row, text);
            return;
        }
        AddNotNumber(count, row, text, facts.NumberLike);
        if (facts.Boolean)
            profile.Counts.Boolean += count;
        if (facts.Date is bool date)
        {
            _dateChecks++;
            _dates += date ? 1 : 0;
            _dateCells += date ? count : 0;
        }
    }

    /// <summary>Completes the profile.</summary>
    /// <param name="distinct">The distinct non-missing values counted.</param>
    /// <param name="capped">Whether counting stopped at <see cref="ColumnProfile.MaxDistinctTracked"/>.</param>
    /// <param name="samples">The first few distinct values, in file order.</param>
    public void Finish(int distinct, bool capped, IReadOnlyList<string> samples)
    {
        profile.DistinctCount = distinct;
        profile.DistinctCountIsCapped = capped;
        profile.Samples = samples;
        profile.MeanLength = profile.PresentCount == 0 ? 0 : _length / profile.PresentCount;
        profile.MeanWords = profile.PresentCount == 0 ? 0 : _words / profile.PresentCount;
        // Dates are checked on the first values only; when every one checked is a date, the column counts as dates.
        profile.Counts.Date = _dateChecks > 0 && _dates == _dateChecks
            ? profile.PresentCount - profile.NumericCount - profile.BooleanCount
            : _dateCells;
    }
}
