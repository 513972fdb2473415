using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>What every worker trains with, sent once per fit: the fit's one standardization (computed by the coordinator from the
/// merged survey) and the settings its step engine reads.</summary>
[GenerateSerializer, Immutable]
public sealed class TrainingSetup
{
    /// <summary>Gets μⱼ of the standardization, or an empty array when the fit trains raw parameters.</summary>
    [Id(0)] public required double[] Mean { get; init; }

    /// <summary>Gets 1/σⱼ of the standardization, or an empty array.</summary>
    [Id(1)] public required double[] InverseScale { get; init; }

    /// <summary>Gets whether the worker measures its largest row in the standardized space (the survey's second pass over CSR rows).</summary>
    [Id(2)] public required bool MeasureLargestRow { get; init; }

    /// <summary>Gets λ₂ of the L2 penalty.</summary>
    [Id(3)] public required float L2Regularization { get; init; }

    /// <summary>Gets λ₁ of the L1 penalty.</summary>
    [Id(4)] public required float L1Regularization { get; init; }

    /// <summary>Gets whether each epoch also returns the average of its iterates.</summary>
    [Id(5)] public required bool Averaged { get; init; }

    /// <summary>Gets the threads a dense batch's gradient may use on the worker (null or 0: all cores).</summary>
    [Id(6)] public int? NumberOfThreads { get; init; }

    /// <summary>The setup of a fit with <paramref name="settings"/> in the space of <paramref name="standardization"/>.</summary>
    internal static TrainingSetup Of(FeatureStandardization? standardization, GradientDescentSettings settings, bool measureLargestRow) => new()
    {
        Mean = standardization?.Mean.ToArray() ?? [], InverseScale = standardization?.InverseScale.ToArray() ?? [], MeasureLargestRow = measureLargestRow,
        L2Regularization = settings.L2Regularization, L1Regularization = settings.L1Regularization, Averaged = settings.Averaged,
        NumberOfThreads = settings.NumberOfThreads,
    };

    /// <summary>The standardization, rebuilt as the coordinator computed it; <see langword="null"/> for raw parameters.</summary>
    /// <exception cref="ArgumentException">It does not have <paramref name="featureCount"/> features.</exception>
    internal FeatureStandardization? Standardization(int featureCount)
    {
        if (Mean.Length == 0)
            return null;
        if (Mean.Length != featureCount || InverseScale.Length != featureCount)
            throw new ArgumentException($"The fit's standardization has {Mean.Length} features; this shard has {featureCount}.");
        return new FeatureStandardization(Mean, InverseScale);
    }

    /// <summary>The settings the worker's step engine reads (plain SGD: a distributed fit runs no other optimizer).</summary>
    internal GradientDescentSettings StepSettings() => new()
    {
        Optimizer = OptimizerKind.Sgd, L2Regularization = L2Regularization, L1Regularization = L1Regularization, Averaged = Averaged,
        NumberOfThreads = NumberOfThreads,
    };
}
