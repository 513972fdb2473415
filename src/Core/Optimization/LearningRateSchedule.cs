namespace MlNetGd.Trainers.Core;

/// <summary>How the learning rate changes from epoch to epoch; epoch e (from 1) uses <c>η₀ × factor(e)</c>.</summary>
public enum LearningRateSchedule
{
    /// <summary>factor = 1.</summary>
    Constant,

    /// <summary>factor = γ^⌊(e − 1) / DecayEpochs⌋ (PyTorch's <c>StepLR</c>), γ = <c>DecayFactor</c>.</summary>
    Step,

    /// <summary>factor = γ^(e − 1) (PyTorch's <c>ExponentialLR</c>), γ = <c>DecayFactor</c>.</summary>
    Exponential,

    /// <summary>factor = 1 / e^p (scikit-learn's <c>invscaling</c>, counted in epochs), p = <c>DecayPower</c>.</summary>
    InverseScaling,

    /// <summary>factor = ½(1 + cos(π(e − 1)/E)) with E = <c>NumberOfEpochs</c> (PyTorch's <c>CosineAnnealingLR</c>, η_min = 0).</summary>
    Cosine,

    /// <summary>factor is multiplied by γ after <c>PlateauPatience</c> epochs in a row in which the monitored cost (validation
    /// cost when a validation set is held out, the training cost otherwise) did not improve by a relative 1e-4
    /// (PyTorch's <c>ReduceLROnPlateau</c>). With a non-zero <c>Tolerance</c> training may stop before the plateau is seen.</summary>
    ReduceOnPlateau,
}
