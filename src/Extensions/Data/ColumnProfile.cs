namespace MlNetGd.Data;

/// <summary>What the read of a file found in one column: how many cells are empty, numeric or distinct, and the first problem cell.</summary>
/// <remarks>Filled by <see cref="DelimitedFile.Read"/> from every data row as ML.NET's <c>TextLoader</c> splits it, in the same pass that
/// holds the rows in memory; column inference reads it.</remarks>
public sealed class ColumnProfile
{
    /// <summary>The most distinct numbers counted in a column of numbers; beyond it <see cref="DistinctCountIsCapped"/> is set. (The
    /// distinct values of a column of strings are counted exactly.)</summary>
    public const int MaxDistinctTracked = 10_000;

    /// <summary>The most example values kept per column.</summary>
    public const int MaxSamples = 5;

    internal ColumnProfile(string name, int index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>Gets the cell counts, as the read adds them up.</summary>
    internal CellCounts Counts { get; } = new();

    /// <summary>Gets the column name.</summary>
    public string Name { get; }

    /// <summary>Gets the 0-based field index in the file.</summary>
    public int Index { get; }

    /// <summary>Gets the number of empty or missing cells (empty, <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c>, <c>None</c>, <c>#N/A</c>, <c>?</c>, <c>-</c>, …).</summary>
    public int MissingCount => Counts.Missing;

    /// <summary>Gets the number of non-missing cells.</summary>
    public int PresentCount => Counts.Present;

    /// <summary>Gets the number of non-missing cells that are finite numbers.</summary>
    public int NumericCount => Counts.Numeric;

    /// <summary>Gets whether the column's numbers are read with a decimal comma (<c>1,5</c> is 1.5): asked with a decimal separator,
    /// or found in most cells of a file whose field separator is not a comma.</summary>
    public bool DecimalComma { get; internal set; }

    /// <summary>Gets whether the decimal comma was inferred (not asked for) though every comma in the column has three digits after it
    /// and one to three before (<c>12,500</c>), as a thousands separator has: one cell cannot tell which it is, so the plan warns.</summary>
    public bool CommasMayGroupThousands { get; internal set; }

    /// <summary>Gets whether the column holds the row numbers (0, 1, 2, … or 1, 2, 3, … in file order, at least
    /// <see cref="ColumnInference.MinRowsForIdentifier"/> rows): an index, a feature only where the row order means something.</summary>
    public bool CountsRows { get; internal set; }

    /// <summary>Gets the number of non-missing cells that are numbers written either way (<c>1.5</c> or <c>1,5</c>), whichever way the
    /// column is read: a column where most are, but that is not read as numbers, is worth a warning.</summary>
    public int NumberLikeCount => Counts.NumberLike;

    /// <summary>Gets the number of numeric cells that are whole numbers.</summary>
    public int IntegerCount => Counts.Integer;

    /// <summary>Gets the number of non-missing cells that read as true/false, yes/no, t/f or y/n (any case).</summary>
    public int BooleanCount => Counts.Boolean;

    /// <summary>Gets the number of non-missing, non-numeric cells that read as a date or time.</summary>
    public int DateCount => Counts.Date;

    /// <summary>Gets the number of distinct non-missing values: exact for strings, counted up to <see cref="MaxDistinctTracked"/> for numbers.</summary>
    public int DistinctCount { get; internal set; }

    /// <summary>Gets whether there were more distinct values than <see cref="MaxDistinctTracked"/>.</summary>
    public bool DistinctCountIsCapped { get; internal set; }

    /// <summary>Gets the mean length in characters of the non-missing cells.</summary>
    public double MeanLength { get; internal set; }

    /// <summary>Gets the mean number of space-separated words of the non-missing cells.</summary>
    public double MeanWords { get; internal set; }

    /// <summary>Gets the smallest numeric value, or NaN.</summary>
    public double Minimum => Range.Minimum;

    /// <summary>Gets the largest numeric value, or NaN.</summary>
    public double Maximum => Range.Maximum;

    /// <summary>Gets the smallest and largest numeric values (NaN before the first), set together.</summary>
    internal (double Minimum, double Maximum) Range { get; set; } = (double.NaN, double.NaN);

    /// <summary>Gets a few distinct example values, in file order.</summary>
    public IReadOnlyList<string> Samples { get; internal set; } = [];

    /// <summary>Gets the first non-missing cell that is not a finite number: its 0-based row and text, or <see langword="null"/>.</summary>
    public (long Row, string Text)? FirstNonNumeric { get; internal set; }

    /// <summary>Gets the first number too large for single-precision training (see <see cref="DelimitedFile.LargestUsableMagnitude"/>), or <see langword="null"/>.</summary>
    public (long Row, string Text)? FirstTooLarge { get; internal set; }

    /// <summary>Gets the first number that reads as infinite (<c>Infinity</c>, or digits beyond single precision), or
    /// <see langword="null"/>: a model scores it as infinite.</summary>
    public (long Row, string Text)? FirstInfinite { get; internal set; }

    /// <summary>Gets whether every non-missing cell is a finite number (and there is at least one).</summary>
    public bool IsNumeric => PresentCount > 0 && NumericCount == PresentCount;

    /// <summary>Gets whether every non-missing cell differs from every other (false when the count was capped).</summary>
    public bool AllDistinct => !DistinctCountIsCapped && DistinctCount == PresentCount;
}
