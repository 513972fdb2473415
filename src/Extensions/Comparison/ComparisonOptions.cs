using Microsoft.ML;
using MlNetGd.Trainers;

namespace MlNetGd.Comparison;

/// <summary>What <see cref="TrainerComparison"/> runs: the label, the features, the evaluation plan, the trainers and their options.</summary>
public sealed class ComparisonOptions
{
    /// <summary>The default number of timing repeats.</summary>
    public const int DefaultTimingRepeats = 3;

    /// <summary>The feature column the pipeline must produce and the trainers read.</summary>
    public const string DefaultFeatureColumnName = "Features";

    /// <summary>Gets or sets the label column (any numeric type; converted to Single).</summary>
    /// <value>Default "Label".</value>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Gets or sets the feature pipeline, fitted on each fold's training rows; it must produce <see cref="FeatureColumnName"/>.</summary>
    /// <value>Default <see langword="null"/>: every numeric column except the label, converted to Single, concatenated and
    /// normalized with NormalizeMeanVariance.</value>
    public IEstimator<ITransformer>? FeaturePipeline { get; set; }

    /// <summary>Gets or sets the column kinds given by the user when comparing on a file (<see cref="TrainerComparison.RunOnFile(MlNetGd.Data.DelimitedFile, ComparisonOptions)"/>).</summary>
    /// <value>Default: none; every kind is inferred.</value>
    public MlNetGd.Data.ColumnOverrides Columns { get; set; } = new();

    /// <summary>Gets or sets the feature column the pipeline produces (a known-size vector of Single).</summary>
    /// <value>Default "Features".</value>
    public string FeatureColumnName { get; set; } = DefaultFeatureColumnName;

    /// <summary>Gets or sets how data is held out.</summary>
    /// <value>Default: one split with 20% held out.</value>
    public EvaluationPlan Plan { get; set; } = EvaluationPlan.TestSplit();

    /// <summary>Gets or sets the seed of the split, of every trainer and of GradientDescent (overriding its own seed).</summary>
    /// <value>Default 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the trainers to run, in report order.</summary>
    /// <value>Default: all five.</value>
    public IReadOnlyList<ComparisonTrainer> Trainers { get; set; } = TrainerNames.All;

    /// <summary>Gets or sets GradientDescent's options (the label, feature and seed settings are taken from this comparison).</summary>
    /// <value>Default: the trainer's defaults (automatic learning rate, batch 256, 100 epochs, tolerance 1e-4).</value>
    public GradientDescentRegressionTrainer.Options GradientDescent { get; set; } = new();

    /// <summary>Gets or sets how many times each fit and each scoring pass is timed; the median is reported.</summary>
    /// <value>Default 3.</value>
    public int TimingRepeats { get; set; } = DefaultTimingRepeats;

    /// <summary>Gets or sets a callback that receives one line per trainer and fold: its RMSE and fit time, or why it failed.</summary>
    /// <value>Default <see langword="null"/>: silent.</value>
    public Action<string>? Progress { get; set; }

    /// <summary>Gets or sets a callback that receives what the comparison is doing now: a fold starting, a trainer fitting, each
    /// GradientDescent epoch. Meant for a status line that is overwritten, or for a verbose log.</summary>
    /// <value>Default <see langword="null"/>: silent.</value>
    public Action<string>? Status { get; set; }

    /// <summary>Gets or sets a token checked between fits and epochs.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">A column name is empty, no trainer is listed, or a trainer is listed twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="TimingRepeats"/> is not in [1, 100], or a GradientDescent option is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LabelColumnName))
            throw new ArgumentException("LabelColumnName must name a column; it is empty.", nameof(LabelColumnName));
        if (string.IsNullOrWhiteSpace(FeatureColumnName))
            throw new ArgumentException("FeatureColumnName must name a column; it is empty.", nameof(FeatureColumnName));
        ArgumentNullException.ThrowIfNull(Plan, nameof(Plan));
        ArgumentNullException.ThrowIfNull(GradientDescent, nameof(GradientDescent));
        ArgumentNullException.ThrowIfNull(Columns, nameof(Columns));
        if (Trainers is null || Trainers.Count == 0)
            throw new ArgumentException("Trainers must list at least one trainer.", nameof(Trainers));
        if (Trainers.Distinct().Count() != Trainers.Count)
            throw new ArgumentException("Trainers lists a trainer twice.", nameof(Trainers));
        if (TimingRepeats is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(TimingRepeats), TimingRepeats, "must be in range [1, 100].");
        GradientDescent.Validate();
    }
}
