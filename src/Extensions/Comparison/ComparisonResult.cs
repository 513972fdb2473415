namespace MlNetGd.Comparison;

/// <summary>Everything a comparison measured: the data, the plan, the optimum and every trainer's figures.</summary>
public sealed class ComparisonResult
{
    /// <summary>Gets where the data came from (a file path, or "IDataView").</summary>
    public string DataSource { get; init; } = "";

    /// <summary>Gets the label column.</summary>
    public string LabelColumnName { get; init; } = "";

    /// <summary>Gets the input columns the default feature pipeline used (empty with a custom pipeline).</summary>
    public IReadOnlyList<string> FeatureColumns { get; init; } = [];

    /// <summary>The smallest optimum RMSE, as a fraction of the label's standard deviation, that a gap is taken relative to: below it
    /// the optimum's RMSE is rounding, and a ratio to it would be rounding divided by rounding.</summary>
    public const double GapFloor = 1e-3;

    /// <summary>Gets the mean of the label over every row.</summary>
    public double LabelMean { get; init; }

    /// <summary>Gets the standard deviation of the label over every row (population).</summary>
    public double LabelStandardDeviation { get; init; }

    /// <summary>Gets whether every label is the same number (to float precision): there is no variance to explain, so R² and the gap to
    /// the optimum mean nothing.</summary>
    public bool LabelIsConstant => IsConstant(LabelMean, LabelStandardDeviation);

    /// <summary>Whether labels with this mean and standard deviation are all equal to float precision.</summary>
    public static bool IsConstant(double mean, double standardDeviation) => standardDeviation <= 1e-7 * Math.Abs(mean);

    /// <summary>Gets how the file's columns became the features (kinds, treatments, rows dropped), or <see langword="null"/> when the
    /// comparison ran on an <see cref="Microsoft.ML.IDataView"/> or with a custom pipeline's own columns.</summary>
    public MlNetGd.Data.FeaturizationPlan? Featurization { get; init; }

    /// <summary>Gets the number of rows.</summary>
    public int RowCount { get; init; }

    /// <summary>Gets the number of features after the feature pipeline.</summary>
    public int FeatureCount { get; init; }

    /// <summary>Gets the evaluation plan, e.g. "5-fold cross-validation".</summary>
    public string Plan { get; init; } = "";

    /// <summary>Gets the number of folds (1 for a train/test split).</summary>
    public int NumberOfFolds { get; init; }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; init; }

    /// <summary>Gets how many times each fit and scoring pass was timed.</summary>
    public int TimingRepeats { get; init; }

    /// <summary>Gets the GradientDescent options used, as "Name=value" text.</summary>
    public IReadOnlyDictionary<string, string> GradientDescentOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the least-squares optimum.</summary>
    public OptimumResult Optimum { get; init; } = new();

    /// <summary>Gets each trainer's results, in the order asked.</summary>
    public IReadOnlyList<TrainerResult> Trainers { get; init; } = [];

    /// <summary>Gets the wall time of the whole comparison in seconds.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Gets when the comparison ran (UTC, ISO 8601).</summary>
    public string CreatedUtc { get; init; } = "";
}
