using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>An ML.NET regression trainer that fits <c>y = W·x + b</c> by minibatch gradient descent on the MSE.</summary>
/// <remarks>
/// <para>The rows come in by one door whatever <see cref="Options.RowSource"/> chooses — a copy in memory, ML.NET's cache read in
/// place, or a cache file on disk — each row checked as it is read, and every fit then runs the same setup and loop
/// (<see cref="GradientDescentLoop.Fit"/>). The result is ML.NET's own <see cref="RegressionPredictionTransformer{T}"/> of
/// <see cref="LinearRegressionModelParameters"/>, so Evaluate, CrossValidate, PermutationFeatureImportance, Save/Load and
/// ConvertToOnnx work as they do for SDCA.</para>
/// <para>Unlike ML.NET's other linear trainers it needs no normalizer: by default it standardizes internally
/// (<see cref="GradientDescentSettings.StandardizeFeatures"/>), chooses the rate from the curvature, averages each epoch's
/// iterates, and returns the model on raw features. With <see cref="GradientDescentSettings.ValidationFraction"/> &gt; 0 the
/// last rows after the seeded shuffle are held out for early stopping.</para>
/// </remarks>
public sealed class GradientDescentRegressionTrainer
    : ITrainerEstimator<RegressionPredictionTransformer<LinearRegressionModelParameters>, LinearRegressionModelParameters>
{
    /// <summary>The options of <see cref="GradientDescentRegressionTrainer"/>.</summary>
    public sealed record Options : GradientDescentSettings
    {
        /// <summary>The default label column name.</summary>
        public const string DefaultLabelColumnName = "Label";

        /// <summary>The default feature column name.</summary>
        public const string DefaultFeatureColumnName = "Features";

        /// <summary>Gets or sets the label column (Single).</summary>
        /// <value>Default "Label".</value>
        public string LabelColumnName { get; init; } = DefaultLabelColumnName;

        /// <summary>Gets or sets the feature column (known-size vector of Single).</summary>
        /// <value>Default "Features".</value>
        public string FeatureColumnName { get; init; } = DefaultFeatureColumnName;

        /// <summary>Gets or sets whether rows whose label or a feature is NaN or infinite are left out of training instead of
        /// stopping it with an error naming the row and column. The number left out is <see cref="TrainingHistory.SkippedRowCount"/>.</summary>
        /// <value>Default <see langword="false"/>: such a row is an error.</value>
        public bool SkipNonFiniteRows { get; init; }

        /// <summary>Gets or sets a token that stops a fit between two batches.</summary>
        /// <value>Default: none.</value>
        public CancellationToken CancellationToken { get; init; }

        /// <summary>Gets or sets where the epochs read the rows from.</summary>
        /// <value>Default <see cref="Core.RowSource.Auto"/>: in place when the data is ML.NET's in-memory cache (<c>ml.Data.Cache</c>,
        /// <c>AppendCacheCheckpoint</c>) of dense rows in no particular order, a copy would take 64 MB or more, and the fit is likely
        /// short (plain SGD stopping at convergence); from a cache file when <see cref="CacheFilePath"/> is set; otherwise a copy in
        /// memory. <see cref="Core.RowSource.InPlace"/> reads any source in place every epoch (a file is then parsed every epoch);
        /// <see cref="Core.RowSource.CacheFile"/> writes the rows once to a file on disk that every epoch reads, so memory does not
        /// grow with the rows. <see cref="TrainingHistory.RowSource"/> says which ran.</value>
        public RowSource RowSource { get; init; } = RowSource.Auto;

        /// <summary>Gets or sets where a fit from a cache file keeps it (written atomically), or <see langword="null"/> for a temporary
        /// file deleted when the fit ends, however it ends. A file already there that matches the data (feature count, dense or
        /// sparse, slot names and, when the source knows it, the row count) is trained from without reading the source, as Vowpal
        /// Wabbit's <c>--cache_file</c> is (<see cref="TrainingHistory.ReusedCacheFile"/>); one that does not match or is corrupted
        /// is rebuilt. The check cannot see rows that changed under the same schema and count: delete the file to rebuild it.</summary>
        /// <value>Default <see langword="null"/>. Setting it makes <see cref="Core.RowSource.Auto"/> read from the cache file.</value>
        public string? CacheFilePath { get; init; }

        /// <inheritdoc/>
        /// <exception cref="ArgumentException">A column name is null or empty, or both name the same column; <c>ParamName</c> names the option.</exception>
        public override void Validate()
        {
            if (string.IsNullOrWhiteSpace(LabelColumnName))
                throw new ArgumentException("LabelColumnName must name a column; it is empty.", nameof(LabelColumnName));
            if (string.IsNullOrWhiteSpace(FeatureColumnName))
                throw new ArgumentException("FeatureColumnName must name a column; it is empty.", nameof(FeatureColumnName));
            if (LabelColumnName == FeatureColumnName)
                throw new ArgumentException(
                    $"LabelColumnName and FeatureColumnName are both '{LabelColumnName}'; the label (Single) and the features (vector of Single) must be different columns.",
                    nameof(FeatureColumnName));
            if (!Enum.IsDefined(RowSource))
                throw new ArgumentOutOfRangeException(nameof(RowSource), RowSource, $"must be one of {string.Join(", ", Enum.GetNames<RowSource>())}.");
            if (CacheFilePath is not null && RowSource is RowSource.Copy or RowSource.InPlace)
                throw new ArgumentException(
                    $"CacheFilePath names a cache file, but RowSource = {RowSource} does not read one. Set RowSource = CacheFile (or Auto), or leave CacheFilePath unset.",
                    nameof(CacheFilePath));
            if (CacheFilePath is not null && (CacheFilePath.Trim().Length == 0 || Directory.Exists(CacheFilePath)))
                throw new ArgumentException($"CacheFilePath '{CacheFilePath}' must name a file, not {(CacheFilePath.Trim().Length == 0 ? "an empty path" : "a directory")}.", nameof(CacheFilePath));
            if (RowSource == RowSource.InPlace && (ValidationFraction > 0 || SkipNonFiniteRows))
                throw new ArgumentException(
                    $"RowSource = InPlace reads every row of the data in place each epoch; it cannot be combined with {(ValidationFraction > 0 ? "ValidationFraction > 0 (held-out rows need a shuffled copy)" : "SkipNonFiniteRows (skipped rows need a copy or a cache file)")}. " +
                    "Leave RowSource = Auto to let the trainer choose.",
                    nameof(RowSource));
            if (ValidationFraction > 0 && (RowSource == RowSource.CacheFile || CacheFilePath is not null))
                throw new ArgumentException(
                    "ValidationFraction needs the rows in memory: a fit from a cache file does not hold out validation rows. " +
                    "Split the data first (ml.Data.TrainTestSplit), or use RowSource = Copy.",
                    nameof(ValidationFraction));
            base.Validate();
        }
    }

    private readonly Options _options;
    private readonly MLContext _mlContext;
    private readonly IEstimator<ITransformer> _schemaProbe;

    /// <summary>Creates the trainer; the options are validated now.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <c>ParamName</c> names it.</exception>
    /// <exception cref="ArgumentException">A column name is missing, or two options do not go together.</exception>
    public GradientDescentRegressionTrainer(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _mlContext = new MLContext(options.Seed);
        _schemaProbe = _mlContext.Regression.Trainers.OnlineGradientDescent(options.LabelColumnName, options.FeatureColumnName);
    }

    /// <summary>Gets what ML.NET should know about this trainer: it needs no normalization (it standardizes internally), does not
    /// want ML.NET to cache its input (it reads its rows once, into its own copy or cache file), and supports warm start.</summary>
    public TrainerInfo Info => TrainerInfoFactory.GradientDescent;

    /// <summary>Gets the history of the most recent <c>Fit</c> on this instance: cost per epoch, learning rate, stop reason.
    /// For concurrent fits, use <see cref="GradientDescentSettings.EpochCompleted"/> instead.</summary>
    public TrainingHistory? LastHistory { get; private set; }

    /// <summary>Trains a model on <paramref name="input"/>, starting from zero weights.</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, there are no rows, or a value is not finite.</exception>
    /// <exception cref="TrainingDivergedException">The learning rate is too large for the data.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    public RegressionPredictionTransformer<LinearRegressionModelParameters> Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains a model on <paramref name="input"/>, starting from the weights of any linear model (warm start).</summary>
    /// <param name="input">The training data.</param>
    /// <param name="modelParameters">The model to continue from (ours, SDCA's, OGD's, …), or <see langword="null"/> to start at zero.</param>
    /// <exception cref="ArgumentException">The model's weight count differs from the feature count, or the data is unusable.</exception>
    /// <exception cref="TrainingDivergedException">The learning rate is too large for the data.</exception>
    public RegressionPredictionTransformer<LinearRegressionModelParameters> Fit(IDataView input, LinearModelParameters? modelParameters)
    {
        ArgumentNullException.ThrowIfNull(input);
        LastHistory = null;
        var token = _options.CancellationToken;
        var columns = DataViewColumns.Find(input.Schema, _options.LabelColumnName, _options.FeatureColumnName);
        var model = StartingModel(modelParameters, columns.FeatureCount);
        using (var rows = FitRows.Open(input, columns, _options, token))
        {
            try
            {
                LastHistory = GradientDescentLoop.Fit(_options, rows.Source, model, optimizer: null, rows.Info, token, rows.Survey);
            }
            catch (TrainingDivergedException diverged) when (rows.OrderCause is { } cause)
            {
                throw diverged.WithCause(cause);
            }
        }
        return LinearModelFactory.Create(_mlContext, model.Weights, model.Bias, _options.LabelColumnName, columns.Features);
    }

    /// <summary>Returns the output schema (a Single Score column added), checking the label and feature columns as ML.NET does.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _schemaProbe.GetOutputSchema(inputSchema);

    private static LinearModel StartingModel(LinearModelParameters? parameters, int featureCount)
    {
        if (parameters is null)
            return new LinearModel(featureCount);
        var weights = parameters.Weights.ToArray();
        if (weights.Length != featureCount)
            throw new ArgumentException(
                $"The starting model has {weights.Length} weights but the data has {featureCount} features; warm start needs the same features.",
                "modelParameters");
        return new LinearModel(weights, parameters.Bias);
    }
}
