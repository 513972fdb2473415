using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>A block of training rows and their labels, stored either dense (row-major) or as CSR (row starts, column
/// indices, values): what every batch, validation set and curvature sample is, whatever the rows came from.</summary>
/// <remarks>
/// <para>Dense: row <c>i</c> is <c>DenseFeatures[i·d .. (i+1)·d]</c>. CSR: row <c>i</c> has the nonzeros
/// <c>Values[RowStarts[i] .. RowEnds[i]]</c> at columns <c>Indices[…]</c>. The offsets are absolute into <see cref="Indices"/>
/// and <see cref="Values"/>, so a slice of rows is a slice of the offsets and <see cref="Labels"/> only; and because each row
/// has its own start and end, a block's rows can be a permutation of offsets over nonzeros stored elsewhere (a cache file's block
/// shuffled on read); for rows stored one after the other, <c>RowEnds</c> is <c>RowStarts</c> shifted by one. scikit-learn's
/// <c>ArrayDataset</c> and <c>CSRDataset</c> under one loop are the model.</para>
/// <para>The block does not validate what it is given beyond lengths: rows are checked once, where they enter a fit
/// (<see cref="RowCheck"/>).</para>
/// </remarks>
public readonly ref struct RowBlock
{
    private RowBlock(int featureCount, ReadOnlySpan<float> labels, ReadOnlySpan<float> dense,
        ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> rowEnds, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, bool sparse)
    {
        FeatureCount = featureCount;
        Labels = labels;
        DenseFeatures = dense;
        RowStarts = rowStarts;
        RowEnds = rowEnds;
        Indices = indices;
        Values = values;
        IsSparse = sparse;
    }

    /// <summary>Wraps dense rows: <paramref name="features"/> holds <c>labels.Length × featureCount</c> values, row-major.</summary>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RowBlock Dense(ReadOnlySpan<float> features, ReadOnlySpan<float> labels, int featureCount)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1.");
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException($"features has length {features.Length}; {(long)labels.Length * featureCount} is needed.", nameof(features));
        return new RowBlock(featureCount, labels, features, default, default, default, default, sparse: false);
    }

    /// <summary>Wraps CSR rows stored one after the other: <paramref name="rowStarts"/> holds <c>labels.Length + 1</c> nondecreasing
    /// offsets into <paramref name="indices"/> and <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public static RowBlock Sparse(ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> indices, ReadOnlySpan<float> values,
        ReadOnlySpan<float> labels, int featureCount)
    {
        if (rowStarts.Length != labels.Length + 1)
            throw new ArgumentException($"rowStarts has length {rowStarts.Length}; {labels.Length + 1} (rows + 1) is needed.", nameof(rowStarts));
        return Sparse(rowStarts[..^1], rowStarts[1..], indices, values, labels, featureCount);
    }

    /// <summary>Wraps CSR rows anywhere in <paramref name="indices"/> and <paramref name="values"/>: row i is
    /// <c>[rowStarts[i], rowEnds[i])</c>.</summary>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A row's offsets are outside the values, or a column index is outside [0, d).</exception>
    public static RowBlock Sparse(ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> rowEnds, ReadOnlySpan<int> indices, ReadOnlySpan<float> values,
        ReadOnlySpan<float> labels, int featureCount)
    {
        var block = Trusted(rowStarts, rowEnds, indices, values, labels, featureCount);
        for (int i = 0; i < labels.Length; i++)
        {
            if (rowStarts[i] < 0 || rowStarts[i] > rowEnds[i] || rowEnds[i] > values.Length)
                throw new ArgumentOutOfRangeException(nameof(rowStarts), $"Row {i} spans [{rowStarts[i]}, {rowEnds[i]}), outside the {values.Length} values.");
            for (int k = rowStarts[i]; k < rowEnds[i]; k++)
            {
                if ((uint)indices[k] >= (uint)featureCount)
                    throw new ArgumentOutOfRangeException(nameof(indices), $"Row {i} has a value at column {indices[k]}; columns are in [0, {featureCount}).");
            }
        }
        return block;
    }

    /// <summary>Wraps CSR rows whose offsets and column indices the caller guarantees (a <see cref="CsrDataset"/>, a batch buffer
    /// filled from ML.NET's VBuffers): the per-batch path checks only the lengths.</summary>
    internal static RowBlock Trusted(ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> rowEnds, ReadOnlySpan<int> indices, ReadOnlySpan<float> values,
        ReadOnlySpan<float> labels, int featureCount)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1.");
        if (rowStarts.Length != labels.Length || rowEnds.Length != labels.Length)
            throw new ArgumentException($"rowStarts and rowEnds have {rowStarts.Length} and {rowEnds.Length} entries; {labels.Length} (one a row) are needed.", nameof(rowStarts));
        if (indices.Length != values.Length)
            throw new ArgumentException($"indices has length {indices.Length} but values has {values.Length}.", nameof(indices));
        return new RowBlock(featureCount, labels, default, rowStarts, rowEnds, indices, values, sparse: true);
    }

    /// <summary>As <see cref="Trusted(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>,
    /// for rows stored one after the other (<paramref name="rowStarts"/> has rows + 1 offsets).</summary>
    internal static RowBlock Trusted(ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> indices, ReadOnlySpan<float> values,
        ReadOnlySpan<float> labels, int featureCount)
    {
        if (rowStarts.Length != labels.Length + 1)
            throw new ArgumentException($"rowStarts has length {rowStarts.Length}; {labels.Length + 1} (rows + 1) is needed.", nameof(rowStarts));
        return Trusted(rowStarts[..^1], rowStarts[1..], indices, values, labels, featureCount);
    }

    /// <summary>Gets the number of features per row (d).</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the labels, one per row.</summary>
    public ReadOnlySpan<float> Labels { get; }

    /// <summary>Gets the row-major features of a dense block (empty for CSR).</summary>
    public ReadOnlySpan<float> DenseFeatures { get; }

    /// <summary>Gets where each CSR row starts in <see cref="Indices"/> and <see cref="Values"/> (one a row; empty for a dense block).</summary>
    public ReadOnlySpan<int> RowStarts { get; }

    /// <summary>Gets where each CSR row ends (exclusive; one a row; empty for a dense block).</summary>
    public ReadOnlySpan<int> RowEnds { get; }

    /// <summary>Gets the CSR column indices (empty for a dense block).</summary>
    public ReadOnlySpan<int> Indices { get; }

    /// <summary>Gets the CSR values (empty for a dense block).</summary>
    public ReadOnlySpan<float> Values { get; }

    /// <summary>Gets whether the block is CSR.</summary>
    public bool IsSparse { get; }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount => Labels.Length;

    /// <summary>Returns rows <c>[start, start + count)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RowBlock Slice(int start, int count)
    {
        var labels = Labels.Slice(start, count);
        return IsSparse
            ? new RowBlock(FeatureCount, labels, default, RowStarts.Slice(start, count), RowEnds.Slice(start, count), Indices, Values, sparse: true)
            : new RowBlock(FeatureCount, labels, DenseFeatures.Slice(start * FeatureCount, count * FeatureCount), default, default, default, default, sparse: false);
    }

    /// <summary>Returns <c>w·xᵢ</c> for row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Dot(int row, ReadOnlySpan<float> weights)
    {
        if (!IsSparse)
            return RowKernels.Dot(DenseFeatures.Slice(row * FeatureCount, FeatureCount), weights);
        int start = RowStarts[row], end = RowEnds[row];
        return SparseDot(Indices[start..end], Values[start..end], weights);
    }

    /// <summary>Adds <c>scale · xᵢ</c> to <paramref name="destination"/> (length d) for row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddRow(int row, float scale, Span<float> destination)
    {
        if (!IsSparse)
        {
            RowKernels.AddScaled(DenseFeatures.Slice(row * FeatureCount, FeatureCount), scale, destination);
            return;
        }
        int start = RowStarts[row], end = RowEnds[row];
        ReadOnlySpan<int> indices = Indices[start..end];
        ReadOnlySpan<float> values = Values[start..end];
        for (int k = 0; k < indices.Length; k++)
            destination[indices[k]] += scale * values[k];
    }

    /// <summary>Copies row <paramref name="row"/> into <paramref name="destination"/> (length d), zeros included.</summary>
    public void CopyRow(int row, Span<float> destination)
    {
        if (!IsSparse)
        {
            DenseFeatures.Slice(row * FeatureCount, FeatureCount).CopyTo(destination);
            return;
        }
        destination.Clear();
        AddRow(row, 1f, destination);
    }

    /// <summary>Returns the dot product of a sparse vector (indices, values) with a dense one, summed in index order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SparseDot(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> dense)
    {
        float sum = 0;
        for (int k = 0; k < indices.Length; k++)
            sum += values[k] * dense[indices[k]];
        return sum;
    }
}
