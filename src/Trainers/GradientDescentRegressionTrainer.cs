using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>An ML.NET regression trainer that fits <c>y = W·x + b</c> by minibatch gradient descent on the MSE.</summary>
/// <remarks>
/// <para>The data is read once into a dense matrix (<see cref="DataViewReader"/>), its rows shuffled once with the seed, and
/// trained by <see cref="GradientDescentLoop"/>. The result is ML.NET's own
/// <see cref="RegressionPredictionTransformer{T}"/> of <see cref="LinearRegressionModelParameters"/>, so Evaluate,
/// CrossValidate, PermutationFeatureImportance, Save/Load and ConvertToOnnx work as they do for SDCA.</para>
/// <para>Like every ML.NET linear trainer it works best on normalized features; with the default automatic learning rate it
/// is also stable without them.</para>
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

        /// <summary>Gets or sets a token that stops a fit between two batches.</summary>
        /// <value>Default: none.</value>
        public CancellationToken CancellationToken { get; set; }

        /// <inheritdoc/>
        /// <exception cref="ArgumentException">A column name is null or empty; <c>ParamName</c> names the option.</exception>
        public override void Validate()
        {
            if (string.IsNullOrWhiteSpace(LabelColumnName))
                throw new ArgumentException("LabelColumnName must name a column; it is empty.", nameof(LabelColumnName));
            if (string.IsNullOrWhiteSpace(FeatureColumnName))
                throw new ArgumentException("FeatureColumnName must name a column; it is empty.", nameof(FeatureColumnName));
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
        var token = _options.CancellationToken;
        var data = DataViewReader.Read(input, _options.LabelColumnName, _options.FeatureColumnName, token);
        var featureColumn = input.Schema[_options.FeatureColumnName];
        var model = StartingModel(modelParameters, data.FeatureCount);
        if (_options.Shuffle)
            data.ShuffleRows(_options.Seed);

        LastHistory = new GradientDescentLoop(_options).Run(data, model, cancellationToken: token);
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
