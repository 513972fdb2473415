namespace MlNetGd.Data;

/// <summary>One column of a file held in memory: its numbers (NaN for a missing cell, 4 bytes a cell), or for a column of strings the
/// index of each cell's text in the column's distinct texts (1, 2 or 4 bytes a cell, <see cref="CodeArray"/>).</summary>
internal sealed class StoredColumn
{
    private StoredColumn(float[]? numbers, CodeArray? codes, string[]? levels, float[]? levelNumbers)
    {
        Numbers = numbers;
        Codes = codes;
        Levels = levels;
        LevelNumbers = levelNumbers;
    }

    /// <summary>Gets the numbers, one a row, or <see langword="null"/> for a column of strings.</summary>
    public float[]? Numbers { get; }

    /// <summary>Gets each row's index into <see cref="Levels"/>, or <see langword="null"/> for a column of numbers.</summary>
    public CodeArray? Codes { get; }

    /// <summary>Gets the distinct texts in the order they first appear, or <see langword="null"/>.</summary>
    public string[]? Levels { get; }

    /// <summary>Gets each distinct text read as a number (NaN when it is not one), or <see langword="null"/>.</summary>
    public float[]? LevelNumbers { get; }

    /// <summary>Gets whether the column holds the cells' text.</summary>
    public bool HoldsText => Codes is not null;

    public static StoredColumn OfNumbers(float[] numbers) => new(numbers, null, null, null);

    public static StoredColumn OfTexts(CodeArray codes, string[] levels, float[] levelNumbers) => new(null, codes, levels, levelNumbers);

    /// <summary>Returns a row's number (from a column of strings: its text read as a number, NaN when it is not one).</summary>
    public float Number(int row) => Numbers is { } numbers ? numbers[row] : LevelNumbers![Codes![row]];

    /// <summary>Returns a row's text; only a column of strings holds it.</summary>
    public ReadOnlyMemory<char> Text(int row) => Levels![Codes![row]].AsMemory();
}
