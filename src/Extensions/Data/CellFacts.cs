using System.Globalization;

namespace MlNetGd.Data;

/// <summary>What one cell's text is: missing, a number (and which), a number in the other notation, a boolean word, a date; its
/// length and words. Worked out once per distinct text of a column of strings.</summary>
internal readonly record struct CellFacts(bool Missing, bool Numeric, float Value, bool NumberLike, bool Boolean, bool? Date, int Length, int Words)
{
    private static readonly string[] BooleanWords = ["true", "false", "yes", "no", "t", "f", "y", "n"];

    /// <summary>Works out the facts of a cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="decimalComma">Whether the column reads numbers with a decimal comma.</param>
    /// <param name="checkDate">Whether to check, if the cell is neither a number nor a boolean word, that it is a date (dates are
    /// checked on a column's first values only: parsing one costs about as much as the rest of the facts together).</param>
    public static CellFacts Of(ReadOnlySpan<char> cell, bool decimalComma, bool checkDate)
    {
        if (NumberText.IsMissing(cell))
            return new CellFacts(Missing: true, false, 0, false, false, null, 0, 0);
        bool numeric = NumberText.TryParse(cell, decimalComma, out float value);
        bool numberLike = numeric || NumberText.LooksLikeNumber(cell, decimalComma);
        bool boolean = !numeric && IsBoolean(cell);
        bool? date = numeric || boolean || !checkDate ? null : IsDate(cell);
        return new CellFacts(false, numeric, value, numberLike, boolean, date, cell.Length, cell.Count(' ') + 1);
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

    /// <summary>The day-first dates of much of Europe (<c>31.01.2024</c>), which the invariant culture does not read.</summary>
    private static readonly string[] DottedDates = ["d.M.yyyy", "d.M.yyyy H:mm", "d.M.yyyy H:mm:ss"];

    private static bool IsDate(ReadOnlySpan<char> cell) =>
        (char.IsDigit(cell[0]) || char.IsDigit(cell[^1]))
        && ((cell.IndexOfAny('-', '/', ':') > 0 && DateTime.TryParse(cell, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out _))
            || (cell.IndexOf('.') > 0 && DateTime.TryParseExact(cell, DottedDates, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out _)));
}
