namespace MlNetGd.Data;

/// <summary>Columns whose kind the user gives instead of letting <see cref="ColumnInference"/> decide.</summary>
public sealed class ColumnOverrides
{
    /// <summary>Gets the columns to read as numbers (a cell that is not a number is then an error naming its line).</summary>
    public IReadOnlyCollection<string> Numeric { get; init; } = [];

    /// <summary>Gets the columns to one-hot encode.</summary>
    public IReadOnlyCollection<string> Categorical { get; init; } = [];

    /// <summary>Gets the columns to featurize as free text.</summary>
    public IReadOnlyCollection<string> Text { get; init; } = [];

    /// <summary>Gets the columns to leave out.</summary>
    public IReadOnlyCollection<string> Ignore { get; init; } = [];

    /// <summary>Returns the kind asked for a column, or <see langword="null"/>.</summary>
    public ColumnKind? KindOf(string column) =>
        Ignore.Contains(column) ? ColumnKind.Ignored
        : Numeric.Contains(column) ? ColumnKind.Numeric
        : Categorical.Contains(column) ? ColumnKind.Categorical
        : Text.Contains(column) ? ColumnKind.Text
        : null;

    /// <summary>Checks that no column is named twice.</summary>
    /// <exception cref="ArgumentException">A column is in two lists; the message names it and both lists.</exception>
    public void Validate()
    {
        if (Problem() is { } problem)
            throw new ArgumentException(problem, nameof(ColumnOverrides));
    }

    /// <summary>What is wrong with these overrides (a column given two kinds), or <see langword="null"/>; <see cref="Validate"/> throws it.</summary>
    public string? Problem()
    {
        var lists = new (string Name, IReadOnlyCollection<string> Columns)[] { ("numeric", Numeric), ("categorical", Categorical), ("text", Text), ("ignore", Ignore) };
        for (int i = 0; i < lists.Length; i++)
        {
            for (int j = i + 1; j < lists.Length; j++)
            {
                var both = lists[i].Columns.Intersect(lists[j].Columns).FirstOrDefault();
                if (both is not null)
                    return $"The column '{both}' is given as both {lists[i].Name} and {lists[j].Name}; choose one.";
            }
        }
        return null;
    }
}
