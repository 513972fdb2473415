using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>The per-row vector operations of the setup and evaluation passes (curvature, residuals, norms, moments): a dot
/// product, an axpy and the moments of one row of d floats.</summary>
/// <remarks>Hand-written over <see cref="Vector{T}"/> in fully optimized methods because they run once per row, hundreds of
/// thousands of times per fit, and TensorPrimitives' generic code runs unoptimized (tier 0) through most of a process's first fit,
/// with hundreds of methods to compile (DESIGN.md, "Fresh-process fits"). Warm they are as fast on rows of this width; they sum in
/// another order than TensorPrimitives, so results move in the last bits.</remarks>
internal static class RowKernels
{
    /// <summary>Returns <c>x·y</c> (same lengths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var sum = Vector<float>.Zero;
        int k = 0;
        for (; k <= x.Length - Vector<float>.Count; k += Vector<float>.Count)
            sum += new Vector<float>(x[k..]) * new Vector<float>(y[k..]);
        float result = Vector.Sum(sum);
        for (; k < x.Length; k++)
            result += x[k] * y[k];
        return result;
    }

    /// <summary>For <c>c = x − shift</c>: adds c to <paramref name="sum"/> and c² to <paramref name="squares"/>, and raises
    /// <paramref name="highest"/> / lowers <paramref name="lowest"/> to c, element by element (all of x's length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddMoments(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> sum, Span<float> squares, Span<float> highest, Span<float> lowest)
    {
        int k = 0;
        for (; k <= x.Length - Vector<float>.Count; k += Vector<float>.Count)
        {
            var c = new Vector<float>(x[k..]) - new Vector<float>(shift[k..]);
            (new Vector<float>(sum[k..]) + c).CopyTo(sum[k..]);
            (new Vector<float>(squares[k..]) + c * c).CopyTo(squares[k..]);
            Vector.Max(new Vector<float>(highest[k..]), c).CopyTo(highest[k..]);
            Vector.Min(new Vector<float>(lowest[k..]), c).CopyTo(lowest[k..]);
        }
        for (; k < x.Length; k++)
        {
            float c = x[k] - shift[k];
            sum[k] += c;
            squares[k] += c * c;
            highest[k] = Math.Max(highest[k], c);
            lowest[k] = Math.Min(lowest[k], c);
        }
    }

    /// <summary>Adds <c>a·x</c> to <paramref name="y"/> (same lengths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        var scale = new Vector<float>(a);
        int k = 0;
        for (; k <= x.Length - Vector<float>.Count; k += Vector<float>.Count)
            (new Vector<float>(y[k..]) + scale * new Vector<float>(x[k..])).CopyTo(y[k..]);
        for (; k < x.Length; k++)
            y[k] += a * x[k];
    }
}
