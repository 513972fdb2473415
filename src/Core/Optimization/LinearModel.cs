using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>The hypothesis <c>y = W·x + b</c>: d weights and a bias, stored together as one parameter vector.</summary>
/// <remarks>
/// <see cref="Parameters"/> holds <c>[w0, …, w(d-1), b]</c>: the weights first, the bias last. Gradients and
/// optimizers use the same layout, so one <c>Step(parameters, gradient)</c> updates W and b together,
/// as <c>optim.SGD([W, b])</c> does in PyTorch.
/// </remarks>
public sealed class LinearModel
{
    /// <summary>Creates a model with every weight and the bias at zero (PyTorch's <c>torch.zeros</c> start).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> is less than 1.</exception>
    public LinearModel(int featureCount)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "must be at least 1.");
        Parameters = new float[featureCount + 1];
    }

    /// <summary>Creates a model from given weights and bias (copied).</summary>
    /// <exception cref="ArgumentException">No weights, or a weight or the bias is not finite.</exception>
    public LinearModel(ReadOnlySpan<float> weights, float bias)
    {
        if (weights.IsEmpty)
            throw new ArgumentException("At least one weight is needed.", nameof(weights));
        if (!TensorPrimitives.IsFiniteAll(weights) || !float.IsFinite(bias))
            throw new ArgumentException("Every weight and the bias must be finite.", nameof(weights));
        Parameters = new float[weights.Length + 1];
        weights.CopyTo(Parameters);
        Parameters[^1] = bias;
    }

    /// <summary>Gets the parameter vector <c>[W, b]</c>, which optimizers update in place.</summary>
    public float[] Parameters { get; }

    /// <summary>Gets the number of features (d).</summary>
    public int FeatureCount => Parameters.Length - 1;

    /// <summary>Gets the weights W (a view into <see cref="Parameters"/>).</summary>
    public Span<float> Weights => Parameters.AsSpan(0, FeatureCount);

    /// <summary>Gets or sets the bias b.</summary>
    public float Bias
    {
        get => Parameters[^1];
        set => Parameters[^1] = value;
    }

    /// <summary>Gets whether every parameter is a finite number.</summary>
    public bool IsFinite => TensorPrimitives.IsFiniteAll<float>(Parameters);

    /// <summary>Predicts <c>W·x + b</c> for one row.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="FeatureCount"/> values.</exception>
    public float Predict(ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"Expected {FeatureCount} features, got {features.Length}.", nameof(features));
        return TensorPrimitives.Dot(features, Weights) + Bias;
    }

    /// <summary>Predicts every row of <paramref name="data"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The feature counts differ, or the destination is too short.</exception>
    public void Predict(DenseDataset data, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount)
            throw new ArgumentException($"The model has {FeatureCount} features but the data has {data.FeatureCount}.", nameof(data));
        if (destination.Length < data.RowCount)
            throw new ArgumentException($"destination holds {destination.Length} values; {data.RowCount} are needed.", nameof(destination));
        ReadOnlySpan<float> w = Weights;
        float b = Bias;
        for (int i = 0; i < data.RowCount; i++)
            destination[i] = TensorPrimitives.Dot(data.Row(i), w) + b;
    }

    /// <summary>Returns a copy of this model.</summary>
    public LinearModel Clone() => new((float[])Parameters.Clone());

    private LinearModel(float[] parameters) => Parameters = parameters;
}
