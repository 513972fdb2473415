namespace MlNetGd.Data;

/// <summary>Reads one column of a file, one cell at a time in row order: fills its <see cref="ColumnProfile"/> and, unless told not
/// to, holds its values (<see cref="StoredColumn"/>).</summary>
internal abstract class ColumnScanner(ColumnProfile profile)
{
    /// <summary>Gets the profile being filled.</summary>
    public ColumnProfile Profile => profile;

    /// <summary>Reads the cell of <paramref name="row"/> (rows come in order, from 0).</summary>
    public abstract void Observe(ReadOnlySpan<char> cell, int row);

    /// <summary>Completes the profile after <paramref name="rows"/> rows and returns the values held, or <see langword="null"/>.</summary>
    public abstract StoredColumn? Finish(int rows);

    /// <summary>Grows <paramref name="array"/> to hold index <paramref name="row"/> (the rows were counted beforehand, so this is a
    /// safety net for a file that grew while it was read).</summary>
    protected static void EnsureCapacity<T>(ref T[] array, int row)
    {
        if (row >= array.Length)
            Array.Resize(ref array, Math.Max(row + 1, (int)Math.Min(Array.MaxLength, 2L * array.Length)));
    }
}
