namespace MlNetGd.Data;

/// <summary>How many of a column's cells are of each sort, as <see cref="ProfileTally"/> adds them up; <see cref="ColumnProfile"/>
/// shows them. (Its own type so the profile keeps to the mutable-field limit.)</summary>
internal sealed class CellCounts
{
    /// <summary>Gets or sets the number of empty or missing cells.</summary>
    public int Missing { get; set; }

    /// <summary>Gets or sets the number of non-missing cells.</summary>
    public int Present { get; set; }

    /// <summary>Gets or sets the number of non-missing cells that are numbers in the column's reading.</summary>
    public int Numeric { get; set; }

    /// <summary>Gets or sets the number of non-missing cells that are numbers written either way (<c>1.5</c> or <c>1,5</c>).</summary>
    public int NumberLike { get; set; }

    /// <summary>Gets or sets the number of numeric cells that are whole numbers.</summary>
    public int Integer { get; set; }

    /// <summary>Gets or sets the number of non-missing cells that read as a boolean word.</summary>
    public int Boolean { get; set; }

    /// <summary>Gets or sets the number of non-missing, non-numeric cells that read as a date or time.</summary>
    public int Date { get; set; }
}
