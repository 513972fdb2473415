using System.Runtime.CompilerServices;
using static System.FormattableString;

namespace MlNetGd.Trainers.Core;

/// <summary>The one check a row passes on its way into a fit, whatever it comes from (an ML.NET cursor, arrays handed to a dataset,
/// a cache file being written): the label and every value finite, the row's squared norm finite in single precision, the vector d
/// long and its columns in [0, d). The error names the row and the column in the same words everywhere.</summary>
/// <remarks>Gradient descent in single precision cannot train on a row whose squared norm overflows: the stable rate would be below
/// <c>1/‖x‖²</c>, under the smallest normal float. That is named here, where the row number is still the user's. Labels are only
/// required to be finite: the cost is summed in double, so labels up to about 1e30 train; larger ones make the gradient overflow,
/// which the divergence guard names as values too large for single precision.</remarks>
public static class RowCheck
{
    /// <summary>Returns whether a row with stored values <paramref name="values"/> and <paramref name="label"/> passes the value
    /// checks (finite, no overflow); the fast path of every reader.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasValidValues(float label, ReadOnlySpan<float> values) =>
        float.IsFinite(label) && float.IsFinite(RowKernels.Dot(values, values)); // NaN, ±Inf and overflow all end non-finite

    /// <summary>Returns whether the row has a NaN or infinite label or value: what <c>SkipNonFiniteRows</c> leaves out (a row
    /// that is only too large is an error either way).</summary>
    public static bool HasNonFiniteValue(float label, ReadOnlySpan<float> values) =>
        !float.IsFinite(label) || !System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(values);

    /// <summary>Throws the error for a row that fails the checks; returns when it passes them.</summary>
    /// <param name="row">The row's number as its source counts it (from 0).</param>
    /// <param name="label">The label.</param>
    /// <param name="indices">The columns of <paramref name="values"/>, or empty when the row is dense (all d values) or has no stored value.</param>
    /// <param name="values">The stored values.</param>
    /// <param name="vectorLength">The length the row's vector says it has (all its slots, stored or not).</param>
    /// <param name="featureCount">d.</param>
    /// <param name="names">How the row's label and features are named in the message.</param>
    /// <exception cref="ArgumentException">The row fails a check; the message names the row and the column (<c>ParamName</c> "data").</exception>
    public static void Check(long row, float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int vectorLength, int featureCount,
        RowNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (vectorLength != featureCount || values.Length > featureCount || (!indices.IsEmpty && indices.Length != values.Length)
            || (indices.IsEmpty && values.Length != 0 && values.Length != featureCount))
            throw Fail(Invariant($"Row {row}: the feature column '{names.Features}' has {vectorLength} values; it must have {featureCount}."));
        for (int k = 0; k < indices.Length; k++)
        {
            if ((uint)indices[k] >= (uint)featureCount)
                throw Fail(Invariant($"Row {row}: the feature column '{names.Features}' has a value at slot {indices[k]}; its slots are 0 to {featureCount - 1}."));
        }
        if (HasValidValues(label, values))
            return;
        if (!float.IsFinite(label))
            throw Fail(Invariant($"Row {row}: the label column '{names.Label}' is {label}; labels must be finite numbers.") +
                " Filter such rows out first, or set SkipNonFiniteRows.");
        for (int k = 0; k < values.Length; k++)
        {
            if (!float.IsFinite(values[k]))
                throw Fail(Invariant($"Row {row}: feature {names.Slot(indices.IsEmpty ? k : indices[k])} of column '{names.Features}' is {values[k]};") +
                    " features must be finite numbers. Remove or replace missing values first (e.g. ml.Transforms.ReplaceMissingValues), or set SkipNonFiniteRows.");
        }
        int largest = System.Numerics.Tensors.TensorPrimitives.IndexOfMaxMagnitude(values);
        throw Fail(Invariant($"Row {row}: feature {names.Slot(indices.IsEmpty ? largest : indices[largest])} of column '{names.Features}' is {values[largest]:G3};") +
            " the features are too large for single precision (the row's squared norm overflows). Scale or normalize the features (e.g. NormalizeMeanVariance).");
    }

    private static ArgumentException Fail(string message) => new(message, "data");
}
