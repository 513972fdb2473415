namespace MlNetGd.Data;

/// <summary>One column's part in a <see cref="FeaturizationPlan"/>: its kind, why, and what the featurization does with it.</summary>
public sealed class ColumnPlan
{
    /// <summary>Gets the column name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the kind.</summary>
    public ColumnKind Kind { get; init; }

    /// <summary>Gets why the column has this kind (the inference rule that fired, or "given").</summary>
    public string Reason { get; init; } = "";

    /// <summary>Gets what the featurization does with it.</summary>
    public string Treatment { get; init; } = "";

    /// <summary>Gets whether the column feeds the features.</summary>
    public bool IsUsed { get; init; }

    /// <summary>Gets whether the column is read as a number (otherwise as text).</summary>
    public bool IsNumber => Kind == ColumnKind.Numeric;

    /// <summary>Gets whether a hashed one-hot encoding is used (more than <see cref="FeaturizationPlan.MaxOneHotLevels"/> levels).</summary>
    public bool IsHashed { get; init; }

    /// <summary>Gets the number of empty or missing cells.</summary>
    public int MissingCount { get; init; }

    /// <summary>Gets the number of distinct values (counted up to <see cref="ColumnProfile.MaxDistinctTracked"/>).</summary>
    public int DistinctCount { get; init; }
}
