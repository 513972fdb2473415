using System.Globalization;

namespace MlNetGd.Data;

/// <summary>How a data file's cells are read as numbers: invariant (<c>1.5</c>) or with a decimal comma (<c>1,5</c>), and which
/// cells mark a missing value.</summary>
/// <remarks>Training, <c>compare</c> and <c>predict</c> convert every numeric cell here, so a file is read the same way by all three.
/// ML.NET's <c>TextLoader</c> still splits the fields (quoting, separators); it has no decimal-comma reading, which spreadsheet exports
/// in many locales need.</remarks>
internal static class NumberText
{
    private static readonly NumberFormatInfo DecimalCommaFormat = new() { NumberDecimalSeparator = ",", NegativeSign = "-", PositiveSign = "+" };

    /// <summary>Reads a cell as a number.</summary>
    /// <param name="cell">The cell, as <c>TextLoader</c> gives it (whitespace trimmed).</param>
    /// <param name="decimalComma">Whether the decimal separator is a comma (then <c>1.5</c> is not a number).</param>
    /// <param name="value">The number: infinite for <c>Infinity</c> or for digits beyond single precision (<c>1e308</c>), which is then
    /// an error saying the number is infinite or too large (<see cref="DelimitedFile.LargestUsableMagnitude"/>), not that it is no number.</param>
    /// <returns>Whether the cell is a number (<c>NaN</c> is not: it reads as a missing cell).</returns>
    public static bool TryParse(ReadOnlySpan<char> cell, bool decimalComma, out float value) =>
        float.TryParse(cell, NumberStyles.Float, decimalComma ? DecimalCommaFormat : CultureInfo.InvariantCulture, out value) && !float.IsNaN(value);

    /// <summary>Whether a cell is infinity written as a word or symbol (<c>Infinity</c>, <c>-∞</c>), not as digits too large to hold.</summary>
    public static bool IsInfinityWord(ReadOnlySpan<char> cell) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsInfinity(value) && !cell.ContainsAnyInRange('0', '9');

    /// <summary>Whether a cell is a number written with a decimal comma: <c>^-?\d+,\d+$</c>.</summary>
    public static bool LooksLikeDecimalComma(ReadOnlySpan<char> cell)
    {
        int start = cell.Length > 0 && cell[0] == '-' ? 1 : 0;
        int comma = cell.IndexOf(',');
        return comma > start && comma < cell.Length - 1 && IsDigits(cell[start..comma]) && IsDigits(cell[(comma + 1)..]);
    }

    /// <summary>Whether a cell looks like a number to a reader, though it may not read as one: in the other decimal convention, with
    /// thousands separators (<c>1,234,567</c>), a percent sign (<c>12.5%</c>) or a currency sign (<c>$1,234.50</c>).</summary>
    public static bool LooksLikeNumber(ReadOnlySpan<char> cell, bool decimalComma) =>
        TryParse(cell, !decimalComma, out _) || LooksLikeDecimalComma(cell) || LooksLikeThousands(cell) || IsPercent(cell) || IsCurrency(cell);

    /// <summary>Whether a cell is an amount with a currency sign before or after it: <c>$1,234.50</c>, <c>-€12</c>, <c>12 €</c>.</summary>
    public static bool IsCurrency(ReadOnlySpan<char> cell)
    {
        var amount = cell.Length > 0 && cell[0] == '-' ? cell[1..] : cell;
        if (amount.Length > 1 && char.GetUnicodeCategory(amount[0]) == UnicodeCategory.CurrencySymbol)
            amount = amount[1..];
        else if (amount.Length > 1 && char.GetUnicodeCategory(amount[^1]) == UnicodeCategory.CurrencySymbol)
            amount = amount[..^1];
        else
            return false;
        amount = amount.Trim(' ');
        return !amount.IsEmpty && amount[0] != '-' && amount[0] != '+' && (TryParse(amount, false, out _) || LooksLikeThousands(amount));
    }

    /// <summary>Whether a cell is a number with a percent sign: <c>12%</c>, <c>-1.5 %</c>.</summary>
    public static bool IsPercent(ReadOnlySpan<char> cell) =>
        cell.Length > 1 && cell[^1] == '%' && float.TryParse(cell[..^1].TrimEnd(' '), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>Whether a cell is a whole number grouped in thousands by commas, with an optional decimal point: <c>^-?\d{1,3}(,\d{3})+(\.\d+)?$</c>.</summary>
    public static bool LooksLikeThousands(ReadOnlySpan<char> cell)
    {
        int point = cell.IndexOf('.');
        if (point >= 0 && !IsDigits(cell[(point + 1)..]))
            return false;
        var whole = point >= 0 ? cell[..point] : cell;
        if (whole.Length > 0 && whole[0] == '-')
            whole = whole[1..];
        int first = whole.IndexOf(',');
        if (first is < 1 or > 3 || !IsDigits(whole[..first]))
            return false;
        for (var rest = whole[first..]; !rest.IsEmpty; rest = rest[4..])
        {
            if (rest.Length < 4 || rest[0] != ',' || !IsDigits(rest[1..4]))
                return false;
        }
        return true;
    }

    /// <summary>The cells that mark a missing value besides an empty one: pandas' default <c>na_values</c> (the list users of
    /// <c>read_csv</c> have in mind), and <c>?</c> (UCI data sets) and <c>-</c> (spreadsheets); compared ignoring case.</summary>
    private static readonly string[] MissingMarkers =
        ["?", "-", "NA", "N/A", "NaN", "-NaN", "null", "None", "#N/A", "#NA", "<NA>", "#N/A N/A", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"];

    /// <summary>Whether a cell marks a missing value: empty, or one of <see cref="MissingMarkers"/> (<c>NA</c>, <c>N/A</c>, <c>NaN</c>,
    /// <c>null</c>, <c>None</c>, <c>#N/A</c>, <c>?</c>, <c>-</c>, …; any case).</summary>
    public static bool IsMissing(ReadOnlySpan<char> cell)
    {
        if (cell.Length == 0)
            return true;
        // The common case, a number, leaves at once: no marker ends with a digit or is longer than 8 characters.
        if (char.IsAsciiDigit(cell[^1]) || cell.Length > 8)
            return false;
        foreach (string marker in MissingMarkers)
        {
            if (cell.Equals(marker, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}
