namespace MlNetGd.Data;

/// <summary>How a column of a data file is read and featurized.</summary>
public enum ColumnKind
{
    /// <summary>Numbers: missing cells replaced by the mean (with an indicator column when the training data has any), then normalized.</summary>
    Numeric,

    /// <summary>Two values such as true/false or yes/no: one-hot encoded.</summary>
    Boolean,

    /// <summary>A few distinct values, or strings that repeat: one-hot encoded (hashed above <see cref="FeaturizationPlan.MaxOneHotLevels"/> levels).</summary>
    Categorical,

    /// <summary>Free text (long strings, many distinct values): a bag of words (ML.NET's <c>FeaturizeText</c>).</summary>
    Text,

    /// <summary>Dates or times: one-hot encoded when there are few distinct values, otherwise ignored with a note.</summary>
    DateTime,

    /// <summary>Not used: an identifier, a constant or empty column, every value different, or ignored on request.</summary>
    Ignored,
}
