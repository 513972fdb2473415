using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>A sparse regression training set: n rows in compressed sparse row form (row starts, column indices, values) and
/// n labels. Memory is <c>8 × nonzeros + 8 × n</c> bytes, whatever d is.</summary>
/// <remarks>
/// What one-hot, hashed and text features (ML.NET's sparse <c>VBuffer</c>s) look like to the trainer. Indices within a row
/// need not be sorted but must be distinct and in <c>[0, d)</c>; explicit zeros are allowed. The arrays are owned by the
/// dataset; training reads them and never writes them. <see cref="ShuffleRows"/> gathers the rows into new arrays in the shuffled
/// order (a permutation of offsets alone would leave every epoch reading the nonzeros at random, several times slower: bench/Sparse),
/// so for the duration of that copy the CSR arrays are held twice.
/// </remarks>
public sealed class CsrDataset : TrainingRows
{
    private int[] _rowStarts;
    private int[] _indices;
    private float[] _values;
    private float[] _labels;

    /// <summary>Creates a dataset over existing arrays (no copy) and checks them.</summary>
    /// <param name="rowStarts">n + 1 nondecreasing offsets, from 0, into <paramref name="indices"/> and <paramref name="values"/>.</param>
    /// <param name="indices">The column of each stored value, in <c>[0, featureCount)</c>.</param>
    /// <param name="values">The stored values; finite.</param>
    /// <param name="labels">One label per row; finite.</param>
    /// <param name="featureCount">d, at least 1.</param>
    /// <exception cref="ArgumentException">The lengths disagree, an offset goes backwards, or a row fails <see cref="RowCheck"/>: a column
    /// is out of range, a value is not finite or too large (the message names the row and column).</exception>
    public CsrDataset(int[] rowStarts, int[] indices, float[] values, float[] labels, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(rowStarts);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1: a linear model needs one feature or more.");
        if (rowStarts.Length != labels.Length + 1)
            throw new ArgumentException($"rowStarts has {rowStarts.Length} offsets; {labels.Length} rows need {labels.Length + 1}.", nameof(rowStarts));
        if (indices.Length != values.Length)
            throw new ArgumentException($"indices has {indices.Length} entries but values has {values.Length}.", nameof(indices));
        if (rowStarts[0] != 0 || rowStarts[^1] > values.Length)
            throw new ArgumentException($"rowStarts must start at 0 and end within the {values.Length} values.", nameof(rowStarts));
        for (int i = 0; i < labels.Length; i++)
        {
            if (rowStarts[i + 1] < rowStarts[i])
                throw new ArgumentException($"rowStarts goes backwards at row {i}.", nameof(rowStarts));
            int start = rowStarts[i], length = rowStarts[i + 1] - start;
            RowCheck.Check(i, labels[i], indices.AsSpan(start, length), values.AsSpan(start, length), featureCount, featureCount, RowNames.Default);
        }
        (_rowStarts, _indices, _values, _labels, FeatureCount) = (rowStarts, indices, values, labels, featureCount);
    }

    /// <summary>Wraps arrays the caller has already checked (no copy, no second pass).</summary>
    internal CsrDataset(int[] rowStarts, int[] indices, float[] values, float[] labels, int featureCount, bool alreadyValidated)
    {
        System.Diagnostics.Debug.Assert(alreadyValidated && rowStarts.Length == labels.Length + 1);
        (_rowStarts, _indices, _values, _labels, FeatureCount) = (rowStarts, indices, values, labels, featureCount);
    }

    /// <summary>Builds a CSR dataset from dense rows, keeping the nonzeros (for tests and small data).</summary>
    public static CsrDataset FromDense(DenseDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.FeatureCount;
        var starts = new int[data.RowCount + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int i = 0; i < data.RowCount; i++)
        {
            var row = data.Row(i);
            for (int j = 0; j < d; j++)
            {
                if (row[j] != 0)
                {
                    indices.Add(j);
                    values.Add(row[j]);
                }
            }
            starts[i + 1] = indices.Count;
        }
        return new CsrDataset(starts, [.. indices], [.. values], (float[])data.Labels.Clone(), d, alreadyValidated: true);
    }

    /// <inheritdoc/>
    public override float[] Labels => _labels;

    /// <inheritdoc/>
    public override int FeatureCount { get; }

    /// <inheritdoc/>
    public override bool IsSparse => true;

    /// <inheritdoc/>
    public override long StoredValueCount => _rowStarts[^1];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override RowBlock Rows(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, RowCount - count);
        return RowBlock.Trusted(_rowStarts.AsSpan(start, count + 1), _indices, _values, _labels.AsSpan(start, count), FeatureCount);
    }

    /// <inheritdoc/>
    public override void ShuffleRows(int seed)
    {
        // Gathered into locals first: the fields are read while the copy is made.
        var (starts, indices, values, labels) = GatherArrays(ShuffledOrder(RowCount, seed));
        (_rowStarts, _indices, _values, _labels) = (starts, indices, values, labels);
    }

    internal override TrainingRows Gather(int[] rows)
    {
        var (starts, indices, values, labels) = GatherArrays(rows);
        return new CsrDataset(starts, indices, values, labels, FeatureCount, alreadyValidated: true);
    }

    // A compact copy of the given rows, in that order.
    private (int[] Starts, int[] Indices, float[] Values, float[] Labels) GatherArrays(int[] rows)
    {
        RowBlock block = Rows();
        var starts = new int[rows.Length + 1];
        long total = 0;
        for (int k = 0; k < rows.Length; k++)
        {
            total += block.RowEnds[rows[k]] - block.RowStarts[rows[k]];
            starts[k + 1] = (int)total;
        }
        var indices = GC.AllocateUninitializedArray<int>((int)total);
        var values = GC.AllocateUninitializedArray<float>((int)total);
        var labels = new float[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int from = block.RowStarts[rows[k]], length = block.RowEnds[rows[k]] - from;
            _indices.AsSpan(from, length).CopyTo(indices.AsSpan(starts[k]));
            _values.AsSpan(from, length).CopyTo(values.AsSpan(starts[k]));
            labels[k] = _labels[rows[k]];
        }
        return (starts, indices, values, labels);
    }
}
