using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace MlNetGd.Trainers.Core;

/// <summary>A step with any optimizer: the batch gradient at the raw parameters (<see cref="BatchGradient"/>, dense or CSR rows),
/// mapped to the optimizer's space, one <see cref="IOptimizer.Step"/>, then L1 by the proximal soft threshold
/// <c>θⱼ ← sign(θⱼ)·max(|θⱼ| − η·λ₁, 0)</c> on the weights, and the running average of the iterates
/// (<see cref="GradientDescentSettings.Averaged"/>). O(d) a step on top of the gradient.</summary>
internal sealed class GradientStep : StepEngine
{
    private readonly IOptimizer _optimizer;
    private readonly FeatureStandardization? _standardization;
    private readonly BatchGradient _gradient;
    private readonly float _l1;
    private readonly bool _averaged;
    private readonly float[] _theta, _raw, _rawGradient, _thetaGradient, _average;
    private int _steps;

    public GradientStep(GradientDescentSettings settings, int featureCount, FeatureStandardization? standardization, IOptimizer optimizer)
    {
        int p = featureCount + 1;
        _optimizer = optimizer;
        _standardization = standardization;
        _gradient = new BatchGradient(p, settings.NumberOfThreads ?? 0);
        _l1 = settings.L1Regularization;
        _averaged = settings.Averaged;
        _theta = new float[p];
        _raw = standardization is null ? _theta : new float[p];
        _rawGradient = new float[p];
        _thetaGradient = standardization is null ? _rawGradient : new float[p];
        _average = new float[p];
        _optimizer.Reset(p);
    }

    /// <inheritdoc/>
    public override int Steps => _steps;

    /// <inheritdoc/>
    public override void Load(ReadOnlySpan<float> theta)
    {
        theta.CopyTo(_theta);
        _standardization?.ToRaw(_theta, _raw);
        _steps = 0;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Step(in RowBlock batch, float learningRate, double costLimit)
    {
        double cost = _gradient.Compute(_raw, in batch, _rawGradient);
        if (!Accepts(cost, costLimit))
            return cost;
        _standardization?.GradientToStandardized(_rawGradient, _thetaGradient);
        _optimizer.LearningRate = learningRate;
        _optimizer.Step(_theta, _thetaGradient);
        if (_l1 > 0)
            SoftThreshold(_theta.AsSpan(0, _theta.Length - 1), learningRate * _l1);
        _standardization?.ToRaw(_theta, _raw);
        float[] average = _average, theta = _theta;
        if (!_averaged)
            _steps++;
        else if (++_steps == 1)
        {
            theta.CopyTo(average, 0);
        }
        else
        {
            float inverse = 1f / _steps;
            for (int j = 0; j < average.Length; j++)
                average[j] += (theta[j] - average[j]) * inverse;
        }
        return cost;
    }

    /// <inheritdoc/>
    public override void Store(Span<float> theta, Span<float> average)
    {
        _theta.CopyTo(theta);
        (_averaged && _steps > 0 ? _average : _theta).CopyTo(average);
    }

    /// <inheritdoc/>
    public override void ResetOptimizer() => _optimizer.Reset(_theta.Length);

    private static void SoftThreshold(Span<float> weights, float threshold)
    {
        for (int j = 0; j < weights.Length; j++)
        {
            float w = weights[j];
            weights[j] = w > threshold ? w - threshold : w < -threshold ? w + threshold : 0f;
        }
    }
}
