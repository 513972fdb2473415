using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>An ML.NET regression trainer that fits <c>y = W·x + b</c> by minibatch gradient descent on the MSE.</summary>
/// <remarks>
/// <para>The data is read once into memory (<see cref="DataViewReader.ReadRows"/>: dense rows, or CSR for sparse one-hot, hashed
/// and text features, never densified), its rows shuffled once with the seed, and
/// trained by <see cref="GradientDescentLoop"/> — or, when the input is ML.NET's own in-memory cache of dense rows in no particular
/// order, trained on in place, one cursor pass per epoch, without a copy (<see cref="Options.TrainInPlace"/>); with <see cref="Options.CacheData"/> off it is read once into a cache file on
/// disk that every epoch reads instead, so memory stays flat (<see cref="StreamingGradientDescent"/>). The result is ML.NET's own
/// <see cref="RegressionPredictionTransformer{T}"/> of <see cref="LinearRegressionModelParameters"/>, so Evaluate,
/// CrossValidate, PermutationFeatureImportance, Save/Load and ConvertToOnnx work as they do for SDCA.</para>
/// <para>Unlike ML.NET's other linear trainers it needs no normalizer: by default it standardizes internally
/// (<see cref="GradientDescentSettings.StandardizeFeatures"/>), chooses the rate from the curvature, averages each epoch's
/// iterates, and returns the model on raw features. With <see cref="GradientDescentSettings.ValidationFraction"/> &gt; 0 the
/// last rows after the seeded shuffle are held out for early stopping.</para>
/// </remarks>
public sealed class GradientDescentRegressionTrainer
    : ITrainerEstimator<RegressionPredictionTransformer<LinearRegressionModelParameters>, LinearRegressionModelParameters>
{
    /// <summary>The options of <see cref="GradientDescentRegressionTrainer"/>.</summary>
    public sealed class Options : GradientDescentSettings
    {
        /// <summary>The default label column name.</summary>
        public const string DefaultLabelColumnName = "Label";

        /// <summary>The default feature column name.</summary>
        public const string DefaultFeatureColumnName = "Features";

        /// <summary>Gets or sets the label column (Single).</summary>
        /// <value>Default "Label".</value>
        public string LabelColumnName { get; set; } = DefaultLabelColumnName;

        /// <summary>Gets or sets the feature column (known-size vector of Single).</summary>
        /// <value>Default "Features".</value>
        public string FeatureColumnName { get; set; } = DefaultFeatureColumnName;

        /// <summary>Gets or sets whether rows whose label or a feature is NaN or infinite are left out of training instead of
        /// stopping it with an error naming the row and column. The number left out is <see cref="TrainingHistory.SkippedRowCount"/>.</summary>
        /// <value>Default <see langword="false"/>: such a row is an error.</value>
        public bool SkipNonFiniteRows { get; set; }

        /// <summary>Gets or sets a token that stops a fit between two batches.</summary>
        /// <value>Default: none.</value>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>Gets or sets whether the data is read once into memory (fast epochs), or read once into a cache file on disk that
        /// every epoch reads in minibatches, so that memory does not grow with the row count (see <see cref="StreamingGradientDescent"/>).</summary>
        /// <value>Default <see langword="true"/>: cached in memory.</value>
        public bool CacheData { get; set; } = true;

        /// <summary>Gets or sets where a fit with <see cref="CacheData"/> off keeps the cache file of its rows (written atomically), or
        /// <see langword="null"/> for a temporary file deleted when the fit ends, however it ends.</summary>
        /// <value>Default <see langword="null"/>: a temporary file.</value>
        public string? CacheFile { get; set; }

        /// <summary>Gets or sets whether an existing <see cref="CacheFile"/> whose header matches the data (feature count, dense or
        /// sparse, slot names) is trained on without reading the source; a file that does not match, or is truncated or corrupted,
        /// is rebuilt. The check cannot see rows that changed with the same schema: rebuild the file (turn this off) when they do.</summary>
        /// <value>Default <see langword="false"/>: the file is written anew.</value>
        public bool ReuseCacheFile { get; set; }

        /// <summary>Gets or sets whether a cached fit trains on the <see cref="IDataView"/> in place — one sequential cursor pass per
        /// epoch, rows shuffled inside blocks of about 2 MB, no copy of the rows — instead of on a shuffled copy of them.</summary>
        /// <value>Default <see langword="null"/>: chosen from the data — in place when it is ML.NET's in-memory cache
        /// (<c>ml.Data.Cache</c>, <c>AppendCacheCheckpoint</c>), its rows are dense, the fit is likely short (plain SGD stopping at
        /// convergence), a copy would take 64 MB or more, and the rows are in no particular order (a sorted file is copied and fully
        /// shuffled). <see langword="true"/> reads any source in place, every
        /// epoch (a file is then parsed every epoch); <see langword="false"/> always copies. <see cref="TrainingHistory.RowSource"/>
        /// says which ran.</value>
        public bool? TrainInPlace { get; set; }

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
            if ((CacheFile is not null || ReuseCacheFile) && CacheData)
                throw new ArgumentException(
                    $"{(CacheFile is not null ? "CacheFile" : "ReuseCacheFile")} needs CacheData = false: with CacheData = true the rows are held in memory, not in a file.",
                    CacheFile is not null ? nameof(CacheFile) : nameof(ReuseCacheFile));
            if (ReuseCacheFile && CacheFile is null)
                throw new ArgumentException("ReuseCacheFile needs CacheFile: a temporary cache file is deleted when its fit ends.", nameof(ReuseCacheFile));
            if (CacheFile is not null && (CacheFile.Length == 0 || Directory.Exists(CacheFile)))
                throw new ArgumentException($"CacheFile '{CacheFile}' must name a file, not {(CacheFile.Length == 0 ? "an empty path" : "a directory")}.", nameof(CacheFile));
            if (TrainInPlace == true && (!CacheData || ValidationFraction > 0 || SkipNonFiniteRows))
                throw new ArgumentException(
                    $"TrainInPlace = true reads every row of the data in place each epoch; it cannot be combined with {(!CacheData ? "CacheData = false (a cache file on disk)" : ValidationFraction > 0 ? "ValidationFraction > 0 (held-out rows need a shuffled copy)" : "SkipNonFiniteRows (skipped rows need a copy)")}. " +
                    "Leave TrainInPlace unset to let the trainer choose.",
                    nameof(TrainInPlace));
            if (SkipNonFiniteRows && !CacheData)
                throw new ArgumentException(
                    "SkipNonFiniteRows needs CacheData = true: the streamed path stops at a non-finite value as it writes its cache file. " +
                    "Filter the rows in the pipeline instead (ml.Data.FilterRowsByMissingValues) or cache the data.",
                    nameof(SkipNonFiniteRows));
            if (ValidationFraction > 0 && !CacheData)
                throw new ArgumentException(
                    "ValidationFraction needs CacheData = true: a streamed fit does not hold out validation rows. " +
                    "Split the data first (ml.Data.TrainTestSplit) or cache it.",
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
    /// <exception cref="ArgumentException">A column name is missing.</exception>
    public GradientDescentRegressionTrainer(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _mlContext = new MLContext(options.Seed);
        var probe = _mlContext.Regression.Trainers.OnlineGradientDescent(options.LabelColumnName, options.FeatureColumnName);
        Info = probe.Info;
        _schemaProbe = probe;
    }

    /// <summary>Gets what ML.NET should know about this trainer (it wants normalized features and supports warm start).</summary>
    public TrainerInfo Info { get; }

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
        if (!_options.CacheData)
        {
            var (_, streamedColumn, featureCount) = DataViewReader.FindColumns(input.Schema, _options.LabelColumnName, _options.FeatureColumnName);
            var streamed = StartingModel(modelParameters, featureCount);
            var streaming = new StreamingGradientDescent(_options) { CacheFile = _options.CacheFile, ReuseCacheFile = _options.ReuseCacheFile };
            LastHistory = streaming.Run(input, _options.LabelColumnName, _options.FeatureColumnName, streamed, cancellationToken: token);
            return LinearModelFactory.Create(_mlContext, streamed.Weights, streamed.Bias, _options.LabelColumnName, streamedColumn);
        }
        var (_, featureColumn, features) = DataViewReader.FindColumns(input.Schema, _options.LabelColumnName, _options.FeatureColumnName);
        var model = StartingModel(modelParameters, features);
        if (InPlaceGradientDescent.TryRun(input, _options, model, token) is { } inPlace)
        {
            LastHistory = inPlace;
            return LinearModelFactory.Create(_mlContext, model.Weights, model.Bias, _options.LabelColumnName, featureColumn);
        }
        var data = DataViewReader.ReadRows(input, _options.LabelColumnName, _options.FeatureColumnName, _options.SkipNonFiniteRows, out long skipped, token);
        if (_options.Shuffle || _options.ValidationFraction > 0)
            data.ShuffleRows(_options.Seed); // the validation rows are the last ones after this seeded shuffle

        var history = new GradientDescentLoop(_options).Run(data, model, cancellationToken: token);
        history.SkippedRowCount = skipped;
        LastHistory = history;
        return LinearModelFactory.Create(_mlContext, model.Weights, model.Bias, _options.LabelColumnName, featureColumn);
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
