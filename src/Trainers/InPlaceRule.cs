using Microsoft.ML;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>When <see cref="RowSource.Auto"/> reads the rows in place (<see cref="PassBatches"/>) rather than copying them.</summary>
/// <remarks>
/// <para>In place when all of these hold, each tested as soon as it can be: the source is ML.NET's in-memory cache itself
/// (<see cref="IsMlNetCache"/>); no validation rows are held out and no rows are skipped; the fit is likely short
/// (<see cref="ExpectsFewEpochs"/>); the rows are dense and a copy would take at least <see cref="MinimumBytes"/>; and the survey's
/// sample shows no order along the rows (<see cref="RowOrder"/>: a block-sized shuffle pool cannot mix data sorted by its label,
/// which the copy's full shuffle can). The rule reads only the data and the options, never the clock, so the same data and seed
/// take the same path every time. The measurements behind each condition are in DESIGN.md.</para>
/// </remarks>
internal static class InPlaceRule
{
    /// <summary>The smallest copy (bytes) worth avoiding: below it the copy, and its full shuffle, cost less than the passes save.</summary>
    public const long MinimumBytes = 64L << 20;

    /// <summary>The most epochs a fit may be told to run (with <see cref="GradientDescentSettings.Tolerance"/> = 0) and still be read
    /// in place: each in-place epoch costs a cursor pass more than a copied one.</summary>
    public const int MaxFixedEpochs = 8;

    /// <summary>Returns whether the options allow in place before the data is looked at.</summary>
    public static bool MayApply(IDataView data, GradientDescentRegressionTrainer.Options options) =>
        IsMlNetCache(data) && options.ValidationFraction == 0 && !options.SkipNonFiniteRows && ExpectsFewEpochs(options);

    /// <summary>Returns whether rows of this storage and size are worth reading in place.</summary>
    public static bool WorthIt(bool sparse, long bytes) => !sparse && bytes >= MinimumBytes;

    /// <summary>Returns whether <paramref name="data"/> is ML.NET's in-memory cache itself (<c>ml.Data.Cache</c>, or the input a
    /// pipeline's <c>AppendCacheCheckpoint</c> hands the trainer), whose passes cost about a memory pass.</summary>
    /// <remarks>ML.NET says so nowhere public: <see cref="IDataView.CanShuffle"/> is also true of a binary .idv file (whose every pass
    /// decodes the file again) and of transforms that recompute their columns on every pass. The cache's class is internal, so its
    /// name is the test; were it renamed, fits would copy, as before, and <c>InPlaceTrainingTests</c> would fail.</remarks>
    public static bool IsMlNetCache(IDataView data) => data.GetType().FullName == "Microsoft.ML.Data.CacheDataView";

    /// <summary>Returns whether the options make a short fit likely: plain SGD that stops at convergence, or a fixed run of at most
    /// <see cref="MaxFixedEpochs"/> epochs (momentum, Nesterov and Adam fits run many epochs, where the copy's faster epochs win).</summary>
    public static bool ExpectsFewEpochs(GradientDescentSettings options) =>
        options.Tolerance > 0 ? options.Optimizer == OptimizerKind.Sgd : options.NumberOfEpochs <= MaxFixedEpochs;
}
