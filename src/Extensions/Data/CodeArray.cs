namespace MlNetGd.Data;

/// <summary>Each row's index into a column's distinct texts, held in 1, 2 or 4 bytes a row: the fewest the number of distinct texts
/// so far allows (widened, with one copy, past 256 and 65,536 of them).</summary>
internal sealed class CodeArray(int capacity)
{
    private byte[]? _bytes = GC.AllocateUninitializedArray<byte>(capacity);
    private ushort[]? _shorts;
    private int[]? _ints;

    /// <summary>Gets the code of a row.</summary>
    public int this[int row] => _bytes is { } b ? b[row] : _shorts is { } s ? s[row] : _ints![row];

    private int Length => _bytes?.Length ?? _shorts?.Length ?? _ints!.Length;

    /// <summary>Sets the code of a row, widening or growing the array when it must.</summary>
    public void Set(int row, int code)
    {
        if (_bytes is { } b && code <= byte.MaxValue && row < b.Length)
            b[row] = (byte)code;
        else if (_shorts is { } s && code <= ushort.MaxValue && row < s.Length)
            s[row] = (ushort)code;
        else if (_ints is { } i && row < i.Length)
            i[row] = code;
        else
        {
            Grow(row, code);
            Set(row, code);
        }
    }

    /// <summary>Copies the codes into an array wide enough for <paramref name="code"/> and long enough for <paramref name="row"/> (the
    /// rows were counted beforehand, so growing is a safety net for a file that grew while it was read).</summary>
    private void Grow(int row, int code)
    {
        int length = Length;
        int size = row < length ? length : (int)Math.Min(Array.MaxLength, Math.Max(row + 1L, 2L * length));
        if (code > ushort.MaxValue || _ints is not null)
            (_ints, _shorts, _bytes) = (Copy<int>(size, length, c => c), null, null);
        else if (code > byte.MaxValue || _shorts is not null)
            (_shorts, _bytes) = (Copy<ushort>(size, length, c => (ushort)c), null);
        else
            _bytes = Copy<byte>(size, length, c => (byte)c);
    }

    private T[] Copy<T>(int size, int length, Func<int, T> convert)
    {
        var to = GC.AllocateUninitializedArray<T>(size);
        for (int i = 0; i < length; i++)
            to[i] = convert(this[i]);
        return to;
    }
}
