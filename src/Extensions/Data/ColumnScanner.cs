using System.Globalization;

namespace MlNetGd.Data;

/// <summary>Accumulates one column's profile, one cell at a time.</summary>
internal sealed class ColumnScanner(ColumnProfile profile)
{
    private const int MaxDateChecks = 1000;
    private static readonly string[] BooleanWords = ["true", "false", "yes", "no", "t", "f", "y", "n"];
    private readonly HashSet<string> _distinct = new(StringComparer.Ordinal);
    private readonly List<string> _samples = [];
    private double _length, _words;
    private int _dateChecks;

    public void Observe(ReadOnlySpan<char> cell, long row)
    {
        if (DelimitedFile.IsMissingToken(cell))
        {
            profile.MissingCount++;
            return;
        }
        profile.PresentCount++;
        _length += cell.Length;
        _words += cell.Count(' ') + 1;
        if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value))
        {
            profile.NumericCount++;
            if (value == MathF.Floor(value))
                profile.IntegerCount++;
            profile.Minimum = double.IsNaN(profile.Minimum) ? value : Math.Min(profile.Minimum, value);
            profile.Maximum = double.IsNaN(profile.Maximum) ? value : Math.Max(profile.Maximum, value);
            if (MathF.Abs(value) > DelimitedFile.LargestUsableMagnitude && profile.FirstTooLarge is null)
                profile.FirstTooLarge = (row, cell.ToString());
        }
        else
        {
            profile.FirstNonNumeric ??= (row, cell.ToString());
            if (IsBoolean(cell))
                profile.BooleanCount++;
            else if (_dateChecks < MaxDateChecks)
            {
                _dateChecks++;
                if (IsDate(cell))
                    profile.DateCount++;
            }
        }
        if (!profile.DistinctCountIsCapped)
        {
            var lookup = _distinct.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.Contains(cell))
            {
                if (_distinct.Count == ColumnProfile.MaxDistinctTracked)
                {
                    profile.DistinctCountIsCapped = true;
                    _distinct.Clear();
                }
                else
                {
                    string text = cell.ToString();
                    _distinct.Add(text);
                    if (_samples.Count < ColumnProfile.MaxSamples)
                        _samples.Add(text);
                }
            }
        }
    }

    public void Finish()
    {
        profile.DistinctCount = profile.DistinctCountIsCapped ? ColumnProfile.MaxDistinctTracked : _distinct.Count;
        profile.Samples = _samples;
        profile.MeanLength = profile.PresentCount == 0 ? 0 : _length / profile.PresentCount;
        profile.MeanWords = profile.PresentCount == 0 ? 0 : _words / profile.PresentCount;
        // Dates are checked on the first cells only; the share found there stands for the column.
        if (_dateChecks > 0 && profile.DateCount == _dateChecks)
            profile.DateCount = profile.PresentCount - profile.NumericCount - profile.BooleanCount;
    }

    private static bool IsBoolean(ReadOnlySpan<char> cell)
    {
        foreach (string word in BooleanWords)
        {
            if (cell.Equals(word, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static bool IsDate(ReadOnlySpan<char> cell) =>
        cell.IndexOfAny('-', '/', ':') > 0 && (char.IsDigit(cell[0]) || char.IsDigit(cell[^1]))
        && DateTime.TryParse(cell, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out _);
}
