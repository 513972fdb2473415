using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>A dense regression training set: n rows of d features, stored row-major, and n labels.</summary>
/// <remarks>
/// Row <c>i</c> occupies <c>Features[i * FeatureCount .. (i + 1) * FeatureCount]</c>. The arrays are
/// owned by the dataset once it is built; training reads them and never writes them, except through
/// <see cref="ShuffleRows"/>, which the caller invokes explicitly.
/// </remarks>
public sealed class DenseDataset : TrainingRows
{
    /// <summary>Creates a dataset over existing arrays (no copy) and checks every row (<see cref="RowCheck"/>).</summary>
    /// <param name="features">Row-major features, <c>labels.Length * featureCount</c> values.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="featureCount">Number of features per row (d), at least 1.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The lengths disagree, or a row fails <see cref="RowCheck"/>: a value is NaN or infinite, or too
    /// large for single precision (the message names its row and column).</exception>
    public DenseDataset(float[] features, float[] labels, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1: a linear model needs one feature or more.");
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException(
                $"features has {features.Length} values, but {labels.Length} rows x {featureCount} features need {(long)labels.Length * featureCount}.",
                nameof(features));

        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = features.AsSpan(i * featureCount, featureCount);
            if (!RowCheck.HasValidValues(labels[i], row))
                RowCheck.Check(i, labels[i], default, row, featureCount, featureCount, RowNames.Default);
        }

        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
    }

    /// <summary>Wraps arrays the caller has already checked to be finite and of matching lengths (no copy, no second pass).</summary>
    internal DenseDataset(float[] features, float[] labels, int featureCount, bool alreadyValidated)
    {
        System.Diagnostics.Debug.Assert(alreadyValidated && (long)labels.Length * featureCount == features.Length);
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
    }

    /// <summary>Builds a dataset from jagged rows (a copy), the way tutorials write <c>x_train</c> and <c>y_train</c>.</summary>
    /// <exception cref="ArgumentException">There are no rows, a row has no features, the rows are ragged, or they do not match the labels.</exception>
    public static DenseDataset FromRows(float[][] rows, float[] labels)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        if (rows.Length == 0)
            throw new ArgumentException("At least one row is needed.", nameof(rows));
        if (rows.Length != labels.Length)
            throw new ArgumentException($"{rows.Length} rows but {labels.Length} labels; each row needs one label.", nameof(labels));
        int d = rows[0]?.Length ?? throw new ArgumentException("Row 0 is null.", nameof(rows));
        if (d == 0)
            throw new ArgumentException("Row 0 has no features; a linear model needs at least one.", nameof(rows));
        var features = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = rows[i] ?? throw new ArgumentException($"Row {i} is null.", nameof(rows));
            if (row.Length != d)
                throw new ArgumentException($"Row {i} has {row.Length} features, but row 0 has {d}; every row needs the same number.", nameof(rows));
            row.CopyTo(features, i * d);
        }
        return new DenseDataset(features, (float[])labels.Clone(), d);
    }

    /// <summary>Gets the row-major feature matrix (n x d).</summary>
    public float[] Features { get; }

    /// <inheritdoc/>
    public override float[] Labels { get; }

    /// <inheritdoc/>
    public override int FeatureCount { get; }

    /// <inheritdoc/>
    public override bool IsSparse => false;

    /// <inheritdoc/>
    public override long StoredValueCount => Features.LongLength;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override RowBlock Rows(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, RowCount - count);
        return RowBlock.Dense(Features.AsSpan(start * FeatureCount, count * FeatureCount), Labels.AsSpan(start, count), FeatureCount);
    }

    internal override TrainingRows Gather(int[] rows)
    {
        int d = FeatureCount;
        var features = GC.AllocateUninitializedArray<float>(rows.Length * d);
        var labels = new float[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            Row(rows[k]).CopyTo(features.AsSpan(k * d, d));
            labels[k] = Labels[rows[k]];
        }
        return new DenseDataset(features, labels, d, alreadyValidated: true);
    }

    /// <summary>Gets the features of one row.</summary>
    public ReadOnlySpan<float> Row(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>Permutes the rows in place with a seeded Fisher-Yates shuffle (no extra memory beyond one row).</summary>
    /// <remarks>
    /// The training loop visits contiguous blocks of rows in a per-epoch random order; shuffling the rows
    /// once beforehand makes the composition of each block random too, without gathering rows every epoch.
    /// </remarks>
    public override void ShuffleRows(int seed)
    {
        int d = FeatureCount;
        int n = RowCount;
        var rng = new SplitMix64(seed, stream: ulong.MaxValue);
        var tmp = d <= 256 ? stackalloc float[d] : new float[d];
        // The random partner rows are drawn PrefetchDistance swaps ahead (the same draws in the same order) and prefetched, so the
        // cache misses of the next swaps overlap instead of queueing (bench/RESULTS.md measures it against plain Fisher-Yates).
        Span<int> ahead = stackalloc int[PrefetchDistance];
        for (int k = 0; k < PrefetchDistance && n - 1 - k > 0; k++)
            ahead[k] = Draw(ref rng, n - 1 - k);
        for (int i = n - 1, slot = 0; i > 0; i--, slot = slot == PrefetchDistance - 1 ? 0 : slot + 1)
        {
            int j = ahead[slot];
            int next = i - PrefetchDistance;
            if (next > 0)
                ahead[slot] = Draw(ref rng, next);
            if (j == i)
                continue;
            var a = Features.AsSpan(i * d, d);
            var b = Features.AsSpan(j * d, d);
            a.CopyTo(tmp);
            b.CopyTo(a);
            tmp.CopyTo(b);
            (Labels[i], Labels[j]) = (Labels[j], Labels[i]);
        }
    }

    private const int PrefetchDistance = 16;

    private int Draw(ref SplitMix64 rng, int i)
    {
        int j = rng.NextInt(i + 1);
        Prefetch(j);
        return j;
    }

    private unsafe void Prefetch(int row)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
            return;
        int d = FeatureCount;
        fixed (float* start = &Features[row * d])
        {
            byte* p = (byte*)start;
            int bytes = Math.Min(d * sizeof(float), 1024);
            for (int offset = 0; offset < bytes; offset += 64)
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + offset);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(p + bytes - 1);
        }
        fixed (float* label = &Labels[row])
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(label);
    }
}
