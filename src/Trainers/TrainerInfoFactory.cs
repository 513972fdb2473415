using System.Reflection;
using Microsoft.ML;

namespace MlNetGd.Trainers;

/// <summary>The <see cref="TrainerInfo"/> of <see cref="GradientDescentRegressionTrainer"/>: no normalization needed (it standardizes
/// internally), no caching wanted (it reads its rows once, into its own copy or cache file), warm start supported.</summary>
/// <remarks>ML.NET gives outside code no public constructor for <see cref="TrainerInfo"/>, and no built-in trainer whose info says
/// this, so the internal constructor <c>TrainerInfo(normalization, calibration, caching, supportValid, supportIncrementalTrain,
/// supportTest)</c> is called through reflection. Were ML.NET to change it, <see cref="Failure"/> says what changed, the trainer
/// borrows OnlineGradientDescent's info (which asks for normalization), and <c>TrainerInfoTests</c> fail naming it.</remarks>
internal static class TrainerInfoFactory
{
    private static readonly Lazy<(TrainerInfo Info, string? Failure)> Built = new(Build);

    /// <summary>Gets the trainer's info.</summary>
    public static TrainerInfo GradientDescent => Built.Value.Info;

    /// <summary>Gets why the reflection route failed, or <see langword="null"/> when it worked.</summary>
    public static string? Failure => Built.Value.Failure;

    private static (TrainerInfo, string?) Build()
    {
        var parameters = new[] { typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool), typeof(bool) };
        var constructor = typeof(TrainerInfo).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, parameters);
        string[] expected = ["normalization", "calibration", "caching", "supportValid", "supportIncrementalTrain", "supportTest"];
        string? failure = constructor is null
            ? $"ML.NET {typeof(TrainerInfo).Assembly.GetName().Version} has no TrainerInfo(bool × 6) constructor"
            : !constructor.GetParameters().Select(p => p.Name).SequenceEqual(expected)
            ? $"TrainerInfo's constructor now takes ({string.Join(", ", constructor.GetParameters().Select(p => p.Name))}); expected ({string.Join(", ", expected)})"
            : null;
        if (failure is null)
        {
            try
            {
                return ((TrainerInfo)constructor!.Invoke([false, false, false, false, true, false]), null);
            }
            catch (TargetInvocationException e)
            {
                failure = $"TrainerInfo's constructor threw {e.InnerException?.GetType().Name}: {e.InnerException?.Message}";
            }
        }
        return (new MLContext().Regression.Trainers.OnlineGradientDescent().Info, failure);
    }
}
