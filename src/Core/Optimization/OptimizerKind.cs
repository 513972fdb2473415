namespace MlNetGd.Trainers.Core;

/// <summary>Which update rule steps the parameters (the formulas of PyTorch's <c>torch.optim</c>).</summary>
public enum OptimizerKind
{
    /// <summary>Plain SGD: <c>θ ← θ − η·g</c> (<c>torch.optim.SGD</c> with momentum 0).</summary>
    Sgd,

    /// <summary>SGD with heavy-ball momentum μ: <c>b ← μb + g; θ ← θ − η·b</c> (<c>torch.optim.SGD(momentum=μ)</c>).</summary>
    Momentum,

    /// <summary>SGD with Nesterov momentum: <c>b ← μb + g; θ ← θ − η·(g + μb)</c> (<c>torch.optim.SGD(momentum=μ, nesterov=True)</c>).</summary>
    Nesterov,

    /// <summary>Adam with β = (0.9, 0.999), ε = 1e-8; L2 regularization is added to the gradient (<c>torch.optim.Adam</c>).</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay: <c>θ ← θ − ηλθ</c> before the Adam step (<c>torch.optim.AdamW</c>).</summary>
    AdamW,
}
