namespace MlNetGd.Comparison;

/// <summary>A trainer that <see cref="TrainerComparison"/> can run.</summary>
public enum ComparisonTrainer
{
    /// <summary>MlNetGd's minibatch gradient descent (<c>gd</c>), with the options in <see cref="ComparisonOptions.GradientDescent"/>.</summary>
    GradientDescent,

    /// <summary>ML.NET's SDCA regression (<c>sdca</c>), defaults, one thread so it is deterministic.</summary>
    Sdca,

    /// <summary>ML.NET's OnlineGradientDescent (<c>ogd</c>), defaults (learning rate 0.1, one pass, averaged).</summary>
    OnlineGradientDescent,

    /// <summary>ML.NET's L-BFGS Poisson regression (<c>poisson</c>), defaults; a log-link model that needs labels ≥ 0.</summary>
    LbfgsPoissonRegression,

    /// <summary>ML.NET's FastTree boosted trees (<c>fasttree</c>), defaults, one thread: the non-linear reference.</summary>
    FastTree,
}
