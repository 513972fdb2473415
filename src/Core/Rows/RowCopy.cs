using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Copies one row given as a fit's readers hand it on (<see cref="IRowSink.Add"/>: all d values when the indices are empty,
/// else the values at those columns, distinct) into dense or CSR storage: the one copy of a row into the in-memory rows
/// (<see cref="TrainingRowsBuilder"/>), into a block of rows (<see cref="RowBlockBuffer"/>) and into a cache file's block
/// (<see cref="CacheFileWriter"/>, which stores a CSR row as it is given, explicit zeros and all).</summary>
internal static class RowCopy
{
    /// <summary>Writes the row into <paramref name="destination"/>, its d values: copied when dense, else cleared and scattered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToDense(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> destination)
    {
        if (indices.IsEmpty && values.Length == destination.Length)
        {
            values.CopyTo(destination);
            return;
        }
        destination.Clear();
        for (int k = 0; k < indices.Length; k++)
            destination[indices[k]] = values[k];
    }

    /// <summary>Appends the row's nonzero values, and their columns, at <paramref name="at"/> of <paramref name="destinationIndices"/>
    /// and <paramref name="destinationValues"/> (room for its nonzeros must be there); returns the end of what it wrote. Zeros are left out, so a dense row stored as CSR holds no more than its nonzeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int AppendNonzeros(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<int> destinationIndices, Span<float> destinationValues, int at)
    {
        bool dense = indices.IsEmpty;
        for (int k = 0; k < values.Length; k++)
        {
            float v = values[k];
            if (v == 0)
                continue;
            destinationIndices[at] = dense ? k : indices[k];
            destinationValues[at++] = v;
        }
        return at;
    }
}
