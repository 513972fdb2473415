using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>The mean squared error of a linear model and its gradient over a block of rows (PyTorch's <c>nn.MSELoss</c>).</summary>
/// <remarks>
/// <para>Scale (no ½): <c>cost = (1/B) Σ (W·xᵢ + b − yᵢ)²</c>, the same number as PyTorch's
/// <c>torch.mean((hypothesis - y_train) ** 2)</c> and ML.NET's MSE.</para>
/// <para>Gradient: <c>∂cost/∂W = (2/B) Σ rᵢ xᵢ</c> and <c>∂cost/∂b = (2/B) Σ rᵢ</c>, with residual
/// <c>rᵢ = W·xᵢ + b − yᵢ</c>. Parameters and gradients use the <see cref="LinearModel.Parameters"/> layout
/// <c>[W, b]</c>. Each row is read once: its dot product and its gradient contribution happen while it is in cache
/// (<see cref="GradientKernel"/>, the kernel training uses, so this equals <see cref="BatchGradient"/> on one chunk bit for bit).
/// The kernels allocate nothing.</para>
/// </remarks>
public static class MseLoss
{
    /// <summary>Computes the cost over a block of rows and writes its gradient (the PyTorch <c>backward()</c>).</summary>
    /// <param name="parameters">The model parameters <c>[W, b]</c>, length d + 1.</param>
    /// <param name="features">B rows of d features, row-major.</param>
    /// <param name="labels">B labels.</param>
    /// <param name="gradient">Receives <c>∂cost/∂[W, b]</c>, length d + 1; overwritten, not accumulated.</param>
    /// <returns>The mean squared error over the block (0 for an empty block, whose gradient is zero).</returns>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public static double Gradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> labels, Span<float> gradient)
    {
        int d = CheckShapes(parameters, features, labels);
        if (gradient.Length != parameters.Length)
            ThrowLength(nameof(gradient), gradient.Length, parameters.Length);

        gradient.Clear();
        int rows = labels.Length;
        if (rows == 0)
            return 0;

        Span<float> gw = gradient[..d];
        var (sumResidual, sumSquares) = GradientKernel.Accumulate(parameters[..d], parameters[d], features, labels, gw);
        float scale = 2f / rows;
        TensorPrimitives.Multiply(gw, scale, gw);
        gradient[d] = (float)(sumResidual * scale);
        return sumSquares / rows;
    }

    /// <summary>Computes the cost over a block of rows, dense or CSR, and writes its gradient.</summary>
    /// <returns>The mean squared error over the block (0 for an empty block, whose gradient is zero).</returns>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public static double Gradient(ReadOnlySpan<float> parameters, RowBlock rows, Span<float> gradient)
    {
        if (!rows.IsSparse)
            return Gradient(parameters, rows.DenseFeatures, rows.Labels, gradient);
        int d = parameters.Length - 1;
        if (d < 1 || rows.FeatureCount != d)
            ThrowLength(nameof(parameters), parameters.Length, rows.FeatureCount + 1);
        if (gradient.Length != parameters.Length)
            ThrowLength(nameof(gradient), gradient.Length, parameters.Length);
        gradient.Clear();
        if (rows.RowCount == 0)
            return 0;
        var (sumResidual, sumSquares) = GradientKernel.AccumulateSparse(parameters[..d], parameters[d], rows.RowStarts, rows.RowEnds, rows.Indices,
            rows.Values, rows.Labels, gradient[..d]);
        float scale = 2f / rows.RowCount;
        TensorPrimitives.Multiply(gradient[..d], scale, gradient[..d]);
        gradient[d] = (float)(sumResidual * scale);
        return sumSquares / rows.RowCount;
    }

    /// <summary>Computes the cost over a block of rows, dense or CSR, without a gradient.</summary>
    /// <returns>The mean squared error over the block (0 for an empty block).</returns>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public static double Cost(ReadOnlySpan<float> parameters, RowBlock rows)
    {
        if (!rows.IsSparse)
            return Cost(parameters, rows.DenseFeatures, rows.Labels);
        int d = parameters.Length - 1;
        if (d < 1 || rows.FeatureCount != d)
            ThrowLength(nameof(parameters), parameters.Length, rows.FeatureCount + 1);
        ReadOnlySpan<float> w = parameters[..d];
        float b = parameters[d];
        double sumSquares = 0;
        for (int i = 0; i < rows.RowCount; i++)
        {
            float r = rows.Dot(i, w) + b - rows.Labels[i];
            sumSquares += (double)r * r;
        }
        return rows.RowCount == 0 ? 0 : sumSquares / rows.RowCount;
    }

    /// <summary>Computes the cost over a block of rows without a gradient.</summary>
    /// <returns>The mean squared error over the block (0 for an empty block).</returns>
    /// <exception cref="ArgumentException">The lengths do not agree.</exception>
    public static double Cost(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> labels)
    {
        int d = CheckShapes(parameters, features, labels);
        int rows = labels.Length;
        if (rows == 0)
            return 0;
        ReadOnlySpan<float> w = parameters[..d];
        float b = parameters[d];
        double sumSquares = 0;
        for (int i = 0; i < rows; i++)
        {
            float r = TensorPrimitives.Dot(features.Slice(i * d, d), w) + b - labels[i];
            sumSquares += (double)r * r;
        }
        return sumSquares / rows;
    }

    /// <summary>Computes the cost of <paramref name="model"/> over the whole dataset.</summary>
    public static double Cost(LinearModel model, TrainingRows data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        return Cost(model.Parameters, data.Rows());
    }

    /// <summary>Computes the full-batch cost of <paramref name="model"/> and writes its gradient into <paramref name="gradient"/>.</summary>
    public static double Gradient(LinearModel model, TrainingRows data, Span<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        return Gradient(model.Parameters, data.Rows(), gradient);
    }

    private static int CheckShapes(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> labels)
    {
        int d = parameters.Length - 1;
        if (d < 1)
            ThrowLength(nameof(parameters), parameters.Length, 2);
        if ((long)labels.Length * d != features.Length)
            ThrowLength(nameof(features), features.Length, (long)labels.Length * d);
        return d;
    }

    private static void ThrowLength(string name, long actual, long expected) =>
        throw new ArgumentException($"{name} has length {actual}; {expected} is needed.", name);
}
