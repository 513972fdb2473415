using System.Globalization;

namespace MlNetGd.Data;

/// <summary>Decides each column's kind from what <see cref="DelimitedFile"/> found in it, like ML.NET's CLI (<c>mlnet regression</c>) does.</summary>
/// <remarks>
/// Rules, in order (the first that holds wins): a kind given by the user; every cell empty, or one value only: ignored; every cell a
/// number: numeric, unless they are whole numbers each different from the others in a column named like an identifier (ignored); nearly every cell a number but not all: an error naming the first cell that is not; every cell true/false,
/// yes/no, t/f or y/n: boolean; every cell a date: date/time; strings of two or more words, mostly distinct: text; nearly every string
/// different (at least <see cref="NearlyDistinctShare"/> of the cells): ignored as an identifier; otherwise categorical (hashed above
/// <see cref="FeaturizationPlan.MaxOneHotLevels"/> levels). A column where most cells look like numbers but that is not read as numbers
/// gets a warning in the plan (<see cref="FeaturizationPlan.Warnings"/>), and so does a column of strings dropped as an identifier.
/// </remarks>
public static class ColumnInference
{
    /// <summary>The share of numeric cells above which a column is taken to be numeric with bad cells, not categorical.</summary>
    public const double MostlyNumericShare = 0.9;

    /// <summary>The fewest rows for which "every value differs" marks an identifier.</summary>
    public const int MinRowsForIdentifier = 20;

    /// <summary>The most distinct dates that are one-hot encoded; a date column with more is ignored with a note.</summary>
    public const int MaxDateLevels = 64;

    /// <summary>The share of distinct values (among the non-empty cells) from which a column of strings is an identifier and dropped;
    /// below it, values that repeat are one-hot encoded, hashed when there are many.</summary>
    public const double NearlyDistinctShare = 0.9;

    /// <summary>The share of cells that look like numbers (<c>1.5</c> or <c>1,5</c>) from which a column not read as numbers gets a warning.</summary>
    public const double NumericLookingShare = 0.5;

    /// <summary>Infers the featurization plan of a file.</summary>
    /// <param name="file">The scanned file.</param>
    /// <param name="labelColumnName">The label column; it must hold numbers (empty cells mark rows without a label, which are dropped).</param>
    /// <param name="overrides">Kinds the user gives, or <see langword="null"/>.</param>
    /// <param name="featureColumnName">The feature column the plan's pipeline produces.</param>
    /// <exception cref="ArgumentException">The label or an overridden column is not in the file (the message lists the columns), or an
    /// override names the label or a column twice.</exception>
    /// <exception cref="DataFileException">A cell cannot be read as its column's kind (the message names the line, the column and the value),
    /// the label has fewer than two values, or no column is left to use as a feature.</exception>
    public static FeaturizationPlan Infer(DelimitedFile file, string labelColumnName, ColumnOverrides? overrides = null, string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        overrides ??= new ColumnOverrides();
        overrides.Validate();
        foreach (string name in overrides.Numeric.Concat(overrides.Categorical).Concat(overrides.Text).Concat(overrides.Ignore))
        {
            file.IndexOf(name, "given");
            if (name == labelColumnName)
                throw new ArgumentException($"The column '{name}' is the label; it cannot also be given a feature kind.", nameof(overrides));
        }
        file.HoldAsText(overrides.Categorical.Concat(overrides.Text));

        var label = file.Profile(labelColumnName);
        if (label.PresentCount == 0)
            throw new DataFileException(file.Name, 0, $"{file.Name}: the label column '{labelColumnName}' has no values (every one of the {file.RowCount} rows is empty).");
        if (label.FirstNonNumeric is { } badLabel)
            throw file.CellError(labelColumnName, badLabel.Row, badLabel.Text, "is not a number; the label must be a number (an empty cell marks a row without a label, which is dropped).");
        if (label.FirstTooLarge is { } hugeLabel)
            throw file.CellError(labelColumnName, hugeLabel.Row, hugeLabel.Text, TooLarge(hugeLabel.Text));
        // One labelled row makes every feature constant: the "model" would predict that one label everywhere.
        if (label.PresentCount == 1)
            throw new DataFileException(file.Name, 0, string.Create(CultureInfo.InvariantCulture,
                $"{file.Name}: the label column '{labelColumnName}' has a value in one row only ({(file.RowCount == 1 ? "the file has one data row" : $"{file.RowCount - 1} of its {file.RowCount} rows have none")}); a model needs at least two labelled rows."));

        var profiles = file.Profiles.Where(p => p.Name != labelColumnName).ToList();
        var columns = profiles.Select(p => Decide(file, p, overrides.KindOf(p.Name))).ToList();
        if (columns.Count == 0)
            throw new DataFileException(file.Name, 0,
                $"{file.Name}: the file has no column besides the label '{labelColumnName}', so nothing can be a feature: give a file with at least one other column.");
        if (!columns.Any(c => c.IsUsed))
            throw new DataFileException(file.Name, 0,
                $"{file.Name}: no column besides the label '{labelColumnName}' can be a feature: " +
                string.Join("; ", columns.Select(c => $"'{c.Name}' {c.Reason}")) + ". Give a kind with --numeric, --categorical or --text.");
        var warnings = profiles.Zip(columns).Select(pc => Warning(pc.First, pc.Second, overrides.KindOf(pc.First.Name))).OfType<string>().ToList();
        return new FeaturizationPlan(labelColumnName, featureColumnName, columns, file.RowCount, label.MissingCount, warnings);
    }

    /// <summary>What the user should know about a column's kind: its decimal comma may be a thousands separator, it counts the rows, it
    /// looks numeric but is not read as numbers, or it is dropped as an identifier; <see langword="null"/> otherwise.</summary>
    private static string? Warning(ColumnProfile p, ColumnPlan c, ColumnKind? given)
    {
        if (c.Kind == ColumnKind.Numeric && p.CommasMayGroupThousands)
        {
            string example = p.Samples.FirstOrDefault(s => s.Contains(',', StringComparison.Ordinal)) ?? "12,500";
            NumberText.TryParse(example, true, out float value);
            string asRead = value.ToString("G7", CultureInfo.InvariantCulture), asThousands = (value * 1000).ToString("G7", CultureInfo.InvariantCulture);
            return $"column '{p.Name}': its numbers are read with a decimal comma ('{example}' is {asRead}), but every comma in it has three digits after it, " +
                $"as a thousands separator has. If ',' groups thousands ('{example}' is {asThousands}), remove the commas from its numbers; " +
                "if it is a decimal comma, give --decimal-separator , and this warning goes.";
        }
        if (given is null && c.Kind == ColumnKind.Numeric && p.CountsRows)
            return $"column '{p.Name}' counts the rows ({p.Minimum}, {p.Minimum + 1}, {p.Minimum + 2}, …), like an index: it is a feature only where the row " +
                $"order means something (time). Give --ignore '{p.Name}' to drop it.";
        if (given is not null || c.Kind == ColumnKind.Numeric || p.PresentCount == 0 || p.DistinctCount <= 1)
            return null;
        if (p.NumberLikeCount >= NumericLookingShare * p.PresentCount)
        {
            string example = p.FirstNonNumeric?.Text ?? p.Samples.FirstOrDefault() ?? "";
            string fix = NumberText.IsPercent(example)
                ? "numbers with a percent sign are not read as numbers: remove the '%' signs (write 12% as 12 or 0.12) to use it as one"
                : NumberText.IsCurrency(example)
                ? "amounts with a currency sign are not read as numbers: remove the signs (and any thousands separators: $1,234.50 as 1234.50) to use it as one"
                : NumberText.LooksLikeThousands(example)
                ? "numbers are read without thousands separators: if ',' groups thousands ('1,000' is one thousand), remove the commas" +
                  (NumberText.LooksLikeDecimalComma(example) ? "; if it is a decimal comma, give --decimal-separator ," : "")
                : NumberText.LooksLikeDecimalComma(example)
                ? "if its numbers have a decimal comma, give --decimal-separator ,"
                : $"to read it as numbers give --numeric '{p.Name}' (a cell that is not a number is then an error naming its line)";
            return string.Create(CultureInfo.InvariantCulture,
                $"column '{p.Name}': {100.0 * p.NumberLikeCount / p.PresentCount:F0}% of its cells look like numbers (such as '{example}'), but it is {What(c)}; {fix}.");
        }
        if (c.Kind == ColumnKind.DateTime && !c.IsUsed)
            return $"column '{p.Name}' is dropped: {c.Reason}; {c.Treatment["ignored: ".Length..]}.";
        return c.Kind == ColumnKind.Ignored && c.Reason.Contains("identifier", StringComparison.Ordinal)
            ? $"column '{p.Name}' is dropped: {c.Reason}. Give --categorical '{p.Name}' to use it (hashed)."
            : null;
    }

    private static string What(ColumnPlan c) => c.Kind switch
    {
        ColumnKind.Ignored => $"dropped ({c.Reason})",
        ColumnKind.Text => "read as free text",
        _ => $"read as {c.Kind.ToString().ToLowerInvariant()} ({c.Treatment})",
    };

    private static string TooLarge(string text) => NumberText.IsInfinityWord(text)
        ? string.Create(CultureInfo.InvariantCulture,
            $"is infinite: every number must be finite, and at most ±{DelimitedFile.LargestUsableMagnitude:G3} (its square must fit single precision, which every ML.NET trainer uses). Leave the cell empty if the value is missing, or cap it.")
        : string.Create(CultureInfo.InvariantCulture,
        $"is too large: numbers beyond ±{DelimitedFile.LargestUsableMagnitude:G3} overflow single precision when squared, which every ML.NET trainer uses. Rescale the column (for example to thousands).");

    private static ColumnPlan Decide(DelimitedFile file, ColumnProfile p, ColumnKind? given)
    {
        if (given == ColumnKind.Ignored)
            return Ignored(p, "given as ignored");
        if (given == ColumnKind.Numeric)
        {
            if (p.FirstNonNumeric is { } bad)
                throw file.CellError(p.Name, bad.Row, bad.Text, "is not a number, and the column was given as numeric.");
            return Numeric(file, p, "given as numeric");
        }
        if (given is ColumnKind.Categorical)
            return Categorical(p, ColumnKind.Categorical, "given as categorical");
        if (given is ColumnKind.Text)
            return Text(p, "given as text");

        if (p.PresentCount == 0)
            return Ignored(p, "is empty in every row");
        if (p.DistinctCount == 1)
            return Ignored(p, $"is constant: '{p.Samples[0]}' in every non-empty cell");
        if (p.IsNumeric)
        {
            // Only the name marks a column of numbers as an identifier: whole numbers that count up one by one can be a real feature
            // (an hour, a year), and dropping a feature silently is worse than keeping one useless column.
            if (p.IntegerCount == p.PresentCount && p.AllDistinct && p.PresentCount >= MinRowsForIdentifier && LooksLikeIdentifier(p.Name))
                return Ignored(p, "is an identifier: whole numbers, each different, named like an id");
            return Numeric(file, p, p.DecimalComma ? "every cell is a number, read with a decimal comma ('1,5' is 1.5)" : "every cell is a number");
        }
        if (p.FirstNonNumeric is { } notNumber && p.NumericCount >= MostlyNumericShare * p.PresentCount)
            throw file.CellError(p.Name, notNumber.Row, notNumber.Text, string.Create(CultureInfo.InvariantCulture,
                $"is not a number, but {100.0 * p.NumericCount / p.PresentCount:F1}% of the column's cells are. Fix the cell (leave it empty if it is missing), " +
                $"or say how to read the column: --categorical, --text or --ignore '{p.Name}'."));
        if (p.BooleanCount == p.PresentCount && p.DistinctCount <= 2)
            return Categorical(p, ColumnKind.Boolean, "every cell is true/false, yes/no, t/f or y/n");
        if (p.DateCount == p.PresentCount)
        {
            // Dates that do not repeat (one a row) would be one level a row: a one-hot encoding that learns each training row's label.
            return p.DistinctCount <= MaxDateLevels && !(p.PresentCount >= MinRowsForIdentifier && p.DistinctCount >= NearlyDistinctShare * p.PresentCount)
                ? Categorical(p, ColumnKind.DateTime, $"every cell is a date, {p.DistinctCount} distinct")
                : new ColumnPlan
                {
                    Name = p.Name, Kind = ColumnKind.DateTime, IsUsed = false, MissingCount = p.MissingCount, DistinctCount = p.DistinctCount,
                    Reason = $"every cell is a date, {Distinct(p)} distinct in {p.PresentCount} cells",
                    Treatment = "ignored: a linear model cannot use a raw date; add year, month or weekday columns to use it",
                };
        }
        if (p.MeanWords >= 2 && p.MeanLength >= 10 && (p.DistinctCountIsCapped || p.DistinctCount > 0.5 * p.PresentCount))
            return Text(p, string.Create(CultureInfo.InvariantCulture, $"strings of {p.MeanWords:F1} words on average, {Distinct(p)} distinct in {p.PresentCount} cells"));
        if (p.PresentCount >= MinRowsForIdentifier && p.DistinctCount >= NearlyDistinctShare * p.PresentCount)
            return Ignored(p, string.Create(CultureInfo.InvariantCulture,
                $"{(p.AllDistinct ? "has a different value in every cell" : $"has {p.DistinctCount:N0} different values in {p.PresentCount:N0} cells")}, like an identifier"));
        return Categorical(p, ColumnKind.Categorical, $"strings that repeat, {p.DistinctCount} distinct in {p.PresentCount} cells");
    }

    private static string Distinct(ColumnProfile p) => p.DistinctCountIsCapped ? $"more than {ColumnProfile.MaxDistinctTracked}" : p.DistinctCount.ToString(CultureInfo.InvariantCulture);

    private static bool LooksLikeIdentifier(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        // "Unnamed: 0": pandas' index, as read_csv names it (or as this tool names an empty first header cell).
        return n is "id" or "index" or "row" or "key" or "#" || n.EndsWith("_id", StringComparison.Ordinal) || n.EndsWith(" id", StringComparison.Ordinal)
            || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("ID", StringComparison.Ordinal) || name.StartsWith("Unnamed: ", StringComparison.Ordinal);
    }

    private static ColumnPlan Numeric(DelimitedFile file, ColumnProfile p, string reason)
    {
        if (p.FirstTooLarge is { } huge)
            throw file.CellError(p.Name, huge.Row, huge.Text, TooLarge(huge.Text));
        return new ColumnPlan
        {
            Name = p.Name, Kind = ColumnKind.Numeric, IsUsed = true, MissingCount = p.MissingCount, DistinctCount = p.DistinctCount, Reason = reason,
            Treatment = p.MissingCount > 0
                ? $"{p.MissingCount} empty cells replaced by the mean, with a 0/1 column '{FeaturizationPlan.MissingIndicatorName(p.Name)}' marking them; normalized"
                : "normalized (an empty cell when scoring is replaced by the training mean)",
        };
    }

    private static ColumnPlan Categorical(ColumnProfile p, ColumnKind kind, string reason)
    {
        bool hashed = p.DistinctCountIsCapped || p.DistinctCount > FeaturizationPlan.MaxOneHotLevels;
        return new ColumnPlan
        {
            Name = p.Name, Kind = kind, IsUsed = true, IsHashed = hashed, MissingCount = p.MissingCount, DistinctCount = p.DistinctCount, Reason = reason,
            Treatment = hashed
                ? $"hashed one-hot encoding ({Distinct(p)} levels into {1 << FeaturizationPlan.HashBits} slots); an unseen value scores as its hash slot"
                : $"one-hot encoding ({p.DistinctCount} levels); an unseen or empty value scores as all zeros",
        };
    }

    private static ColumnPlan Text(ColumnProfile p, string reason) => new()
    {
        Name = p.Name, Kind = ColumnKind.Text, IsUsed = true, MissingCount = p.MissingCount, DistinctCount = p.DistinctCount, Reason = reason,
        Treatment = "bag of words (FeaturizeText: lower-cased word unigrams, L2-normalized)",
    };

    private static ColumnPlan Ignored(ColumnProfile p, string reason) => new()
    {
        Name = p.Name, Kind = ColumnKind.Ignored, IsUsed = false, MissingCount = p.MissingCount, DistinctCount = p.DistinctCount, Reason = reason,
        Treatment = "ignored",
    };
}
