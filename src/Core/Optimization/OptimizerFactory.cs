namespace MlNetGd.Trainers.Core;

/// <summary>Builds the optimizer the settings name, with the L2 penalty as PyTorch's <c>weight_decay = 2λ₂</c>.</summary>
internal static class OptimizerFactory
{
    public static IOptimizer Create(GradientDescentSettings settings, float learningRate)
    {
        float decay = 2 * settings.L2Regularization;
        return settings.Optimizer switch
        {
            OptimizerKind.Momentum => new MomentumSgd(learningRate, settings.Momentum, weightDecay: decay),
            OptimizerKind.Nesterov => new MomentumSgd(learningRate, settings.Momentum, nesterov: true, weightDecay: decay),
            OptimizerKind.Adam => new Adam(learningRate, weightDecay: decay),
            OptimizerKind.AdamW => new Adam(learningRate, weightDecay: decay, decoupledWeightDecay: true),
            _ => decay == 0 ? new Sgd(learningRate) : new MomentumSgd(learningRate, weightDecay: decay),
        };
    }

    /// <summary>Whether the automatic rate comes from the curvature (SGD family) rather than Adam's default.</summary>
    public static bool UsesCurvatureRate(OptimizerKind kind) => kind is not (OptimizerKind.Adam or OptimizerKind.AdamW);
}
