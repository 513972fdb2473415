using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MlNetGd.Trainers.Core;

/// <summary>The fused MSE gradient kernel over a block of rows: residual and gradient contribution of each row while it is in cache.</summary>
/// <remarks>
/// <para>Computes <c>rᵢ = w·xᵢ + b − yᵢ</c>, adds <c>Σ rᵢxᵢ</c> to a destination and returns <c>(Σ rᵢ, Σ rᵢ²)</c> in double.</para>
/// <para>TensorPrimitives has no fused "dot, then multiply-add with the result" over several rows, and calling <c>Dot</c> and
/// <c>MultiplyAdd</c> once per row of 64 floats costs about three times a plain read of the row. So on hardware with 256-bit vectors
/// this kernel takes four rows at a time: four independent dot products (hiding the FMA latency), then one pass that adds all
/// four rows into the gradient, reading and writing it once per four rows. The rows are read from L1 the second time. Elsewhere
/// it falls back to one <c>TensorPrimitives.Dot</c> and one <c>MultiplyAdd</c> per row. Either way the order of operations
/// depends only on the data and d, never on the caller or the thread.</para>
/// </remarks>
internal static class GradientKernel
{
    /// <summary>See the type remarks. Lengths are trusted: features is labels.Length × weights.Length, sum is weights.Length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double SumResidual, double SumSquares) Accumulate(
        ReadOnlySpan<float> weights, float bias, ReadOnlySpan<float> features, ReadOnlySpan<float> labels, Span<float> sum)
    {
        if (Vector256.IsHardwareAccelerated && weights.Length >= Vector256<float>.Count)
            return AccumulateVector256(weights, bias, features, labels, sum);
        return AccumulateRowByRow(weights, bias, features, labels, sum);
    }

    /// <summary>The CSR form: adds <c>Σ rᵢxᵢ</c> over the nonzeros of each row to <paramref name="sum"/> (length d) and returns
    /// <c>(Σ rᵢ, Σ rᵢ²)</c>; O(nonzeros), rows and their entries in stored order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double SumResidual, double SumSquares) AccumulateSparse(
        ReadOnlySpan<float> weights, float bias, ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> rowEnds, ReadOnlySpan<int> indices,
        ReadOnlySpan<float> values, ReadOnlySpan<float> labels, Span<float> sum)
    {
        double sumResidual = 0, sumSquares = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int start = rowStarts[i], end = rowEnds[i];
            ReadOnlySpan<int> columns = indices[start..end];
            ReadOnlySpan<float> x = values[start..end];
            float r = RowBlock.SparseDot(columns, x, weights) + bias - labels[i];
            for (int k = 0; k < columns.Length; k++)
                sum[columns[k]] += r * x[k];
            sumResidual += r;
            sumSquares += (double)r * r;
        }
        return (sumResidual, sumSquares);
    }

    /// <summary>The plain form: one TensorPrimitives.Dot and one MultiplyAdd per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double SumResidual, double SumSquares) AccumulateRowByRow(
        ReadOnlySpan<float> weights, float bias, ReadOnlySpan<float> features, ReadOnlySpan<float> labels, Span<float> sum)
    {
        int d = weights.Length;
        double sumResidual = 0, sumSquares = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> x = features.Slice(i * d, d);
            float r = TensorPrimitives.Dot(x, weights) + bias - labels[i];
            sumResidual += r;
            sumSquares += (double)r * r;
            TensorPrimitives.MultiplyAdd(x, r, sum, sum);
        }
        return (sumResidual, sumSquares);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double SumResidual, double SumSquares) AccumulateVector256(
        ReadOnlySpan<float> weights, float bias, ReadOnlySpan<float> features, ReadOnlySpan<float> labels, Span<float> sum)
    {
        int d = weights.Length;
        int rows = labels.Length;
        int vectorEnd = d - d % Vector256<float>.Count;
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(sum);
        ref float y = ref MemoryMarshal.GetReference(labels);
        ref float x = ref MemoryMarshal.GetReference(features);
        double sumResidual = 0, sumSquares = 0;
        int i = 0;
        for (; i + 4 <= rows; i += 4)
        {
            ref float x0 = ref Unsafe.Add(ref x, (nint)i * d);
            ref float x1 = ref Unsafe.Add(ref x0, d);
            ref float x2 = ref Unsafe.Add(ref x1, d);
            ref float x3 = ref Unsafe.Add(ref x2, d);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int j = 0; j < vectorEnd; j += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)j);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, (nuint)j), wv, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, (nuint)j), wv, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x2, (nuint)j), wv, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x3, (nuint)j), wv, a3);
            }
            float s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
            for (int j = vectorEnd; j < d; j++)
            {
                float wj = Unsafe.Add(ref w, j);
                s0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref x0, j), wj, s0);
                s1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref x1, j), wj, s1);
                s2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref x2, j), wj, s2);
                s3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref x3, j), wj, s3);
            }
            float r0 = s0 + bias - Unsafe.Add(ref y, i);
            float r1 = s1 + bias - Unsafe.Add(ref y, i + 1);
            float r2 = s2 + bias - Unsafe.Add(ref y, i + 2);
            float r3 = s3 + bias - Unsafe.Add(ref y, i + 3);
            sumResidual += r0;
            sumResidual += r1;
            sumResidual += r2;
            sumResidual += r3;
            sumSquares += (double)r0 * r0;
            sumSquares += (double)r1 * r1;
            sumSquares += (double)r2 * r2;
            sumSquares += (double)r3 * r3;
            var r0v = Vector256.Create(r0);
            var r1v = Vector256.Create(r1);
            var r2v = Vector256.Create(r2);
            var r3v = Vector256.Create(r3);
            for (int j = 0; j < vectorEnd; j += Vector256<float>.Count)
            {
                var gv = Vector256.LoadUnsafe(ref g, (nuint)j);
                gv = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, (nuint)j), r0v, gv);
                gv = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, (nuint)j), r1v, gv);
                gv = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x2, (nuint)j), r2v, gv);
                gv = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x3, (nuint)j), r3v, gv);
                gv.StoreUnsafe(ref g, (nuint)j);
            }
            for (int j = vectorEnd; j < d; j++)
            {
                float gj = Unsafe.Add(ref g, j);
                gj = MathF.FusedMultiplyAdd(Unsafe.Add(ref x0, j), r0, gj);
                gj = MathF.FusedMultiplyAdd(Unsafe.Add(ref x1, j), r1, gj);
                gj = MathF.FusedMultiplyAdd(Unsafe.Add(ref x2, j), r2, gj);
                gj = MathF.FusedMultiplyAdd(Unsafe.Add(ref x3, j), r3, gj);
                Unsafe.Add(ref g, j) = gj;
            }
        }
        for (; i < rows; i++)
        {
            ref float x0 = ref Unsafe.Add(ref x, (nint)i * d);
            Vector256<float> a0 = default;
            for (int j = 0; j < vectorEnd; j += Vector256<float>.Count)
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, (nuint)j), Vector256.LoadUnsafe(ref w, (nuint)j), a0);
            float s0 = Vector256.Sum(a0);
            for (int j = vectorEnd; j < d; j++)
                s0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref x0, j), Unsafe.Add(ref w, j), s0);
            float r0 = s0 + bias - Unsafe.Add(ref y, i);
            sumResidual += r0;
            sumSquares += (double)r0 * r0;
            var r0v = Vector256.Create(r0);
            for (int j = 0; j < vectorEnd; j += Vector256<float>.Count)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, (nuint)j), r0v, Vector256.LoadUnsafe(ref g, (nuint)j)).StoreUnsafe(ref g, (nuint)j);
            for (int j = vectorEnd; j < d; j++)
                Unsafe.Add(ref g, j) = MathF.FusedMultiplyAdd(Unsafe.Add(ref x0, j), r0, Unsafe.Add(ref g, j));
        }
        return (sumResidual, sumSquares);
    }
}
