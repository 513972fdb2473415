namespace MlNetGd.Trainers.Core;

/// <summary>A cached training set: n labelled rows of d features, held dense (<see cref="DenseDataset"/>) or as CSR
/// (<see cref="CsrDataset"/>). The training loop, the standardization, the curvature estimate and the least-squares
/// reference read it only through <see cref="Rows(int, int)"/>, so the two storages share every rule.</summary>
public abstract class TrainingRows
{
    private protected TrainingRows()
    {
    }

    /// <summary>Gets the labels, one per row.</summary>
    public abstract float[] Labels { get; }

    /// <summary>Gets the number of features per row (d).</summary>
    public abstract int FeatureCount { get; }

    /// <summary>Gets the number of rows (n).</summary>
    public int RowCount => Labels.Length;

    /// <summary>Gets whether the rows are stored as CSR.</summary>
    public abstract bool IsSparse { get; }

    /// <summary>Gets the number of stored values: n × d for dense rows, the nonzeros for CSR.</summary>
    public abstract long StoredValueCount { get; }

    /// <summary>Returns rows <c>[start, start + count)</c> as a block (no copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the rows.</exception>
    public abstract RowBlock Rows(int start, int count);

    /// <summary>Returns all rows as a block (no copy).</summary>
    public RowBlock Rows() => Rows(0, RowCount);

    /// <summary>Permutes the rows in place with a seeded Fisher–Yates shuffle; dense and CSR storage of the same rows end in
    /// the same order for the same seed.</summary>
    public abstract void ShuffleRows(int seed);

    /// <summary>Returns a copy of <paramref name="count"/> rows of the first <paramref name="rowCount"/>, evenly spaced, in the same storage.</summary>
    internal TrainingRows Sample(int count, int rowCount)
    {
        var rows = new int[count];
        for (int k = 0; k < count; k++)
            rows[k] = EvenSample.Row(k, count, rowCount);
        return Gather(rows);
    }

    /// <summary>Returns a copy of the given rows, in that order, in the same storage.</summary>
    internal abstract TrainingRows Gather(int[] rows);

    /// <summary>Splits the rows into the training rows and the rows <paramref name="holdOut"/> holds out, each gathered into a copy of its
    /// own: the training rows in the order a seeded shuffle of them gives (<paramref name="shuffleSeed"/>, as <see cref="ShuffleRows"/>
    /// would), or in their order; the held-out rows in theirs. The rows themselves are not changed.</summary>
    internal (TrainingRows Training, TrainingRows HeldOut) Split(HoldOut holdOut, int? shuffleSeed)
    {
        int held = (int)holdOut.HeldOutCount(RowCount);
        var training = new int[RowCount - held];
        var heldOut = new int[held];
        for (int i = 0, t = 0, h = 0; i < RowCount; i++)
        {
            if (holdOut.IsHeldOut(i))
                heldOut[h++] = i;
            else
                training[t++] = i;
        }
        if (shuffleSeed is int seed)
        {
            int[] order = ShuffledOrder(training.Length, seed);
            for (int k = 0; k < order.Length; k++)
                order[k] = training[order[k]];
            training = order;
        }
        return (Gather(training), Gather(heldOut));
    }

    /// <summary>The row order of a seeded Fisher–Yates shuffle of <paramref name="rowCount"/> rows: the draws
    /// <see cref="DenseDataset.ShuffleRows"/> makes, applied to row numbers (new row k is old row <c>order[k]</c>).</summary>
    internal static int[] ShuffledOrder(int rowCount, int seed)
    {
        var order = new int[rowCount];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        var rng = new SplitMix64(seed, stream: ulong.MaxValue);
        for (int i = rowCount - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
