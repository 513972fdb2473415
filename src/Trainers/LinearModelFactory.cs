using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MlNetGd.Trainers;

/// <summary>Turns weights and a bias into ML.NET's own <see cref="LinearRegressionModelParameters"/> inside a
/// <see cref="RegressionPredictionTransformer{T}"/>, through public API only.</summary>
/// <remarks>
/// <para>ML.NET gives outside code no constructor for these types. Its <c>OnlineGradientDescentTrainer</c> updates
/// <c>u = −η·loss′(output, label); w += u·x; b += u</c>. With a loss whose derivative is <c>−label</c>, η = 1, no averaging,
/// no regularization and one unshuffled pass over three rows — (x = w, label 1), (x = 0, label −1), (x = 0, label b) —
/// it ends with exactly <c>w</c> and <c>b</c> (only −0 comes back as +0). The rows carry the training feature column's type and
/// slot names, so the model scores, saves, loads, evaluates, explains (PFI) and exports to ONNX like a built-in one.</para>
/// </remarks>
public static class LinearModelFactory
{
    /// <summary>Creates the transformer that scores <c>w·x + b</c> from <paramref name="featureColumn"/> into a Score column.</summary>
    /// <param name="mlContext">The context that runs the replay.</param>
    /// <param name="weights">The weights; as many as the feature column's size.</param>
    /// <param name="bias">The bias.</param>
    /// <param name="labelColumnName">The label column name recorded in the model's training schema.</param>
    /// <param name="featureColumn">The training feature column: its name, type and slot names are kept.</param>
    /// <exception cref="ArgumentException">The weight count differs from the feature column's size, or a value is not finite.</exception>
    public static RegressionPredictionTransformer<LinearRegressionModelParameters> Create(
        MLContext mlContext, ReadOnlySpan<float> weights, float bias, string labelColumnName, DataViewSchema.Column featureColumn)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        if (featureColumn.Type is not VectorDataViewType { Size: var size } vectorType || size != weights.Length)
            throw new ArgumentException($"{weights.Length} weights do not fit the feature column '{featureColumn.Name}' ({featureColumn.Type}).", nameof(weights));
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(weights) || !float.IsFinite(bias))
            throw new ArgumentException("Every weight and the bias must be finite.", nameof(weights));

        var rows = new[]
        {
            new ReplayRow { Label = 1f, Features = weights.ToArray() },
            new ReplayRow { Label = -1f, Features = new float[size] },
            new ReplayRow { Label = bias, Features = new float[size] },
        };
        var definition = SchemaDefinition.Create(typeof(ReplayRow));
        var featureDefinition = definition[nameof(ReplayRow.Features)];
        featureDefinition.ColumnType = vectorType;
        featureDefinition.ColumnName = featureColumn.Name;
        if (featureColumn.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            featureColumn.GetSlotNames(ref slotNames);
            featureDefinition.AddAnnotation("SlotNames", slotNames,
                new VectorDataViewType(TextDataViewType.Instance, size));
        }
        definition[nameof(ReplayRow.Label)].ColumnName = labelColumnName;

        var replayData = mlContext.Data.LoadFromEnumerable(rows, definition);
        var replay = mlContext.Regression.Trainers.OnlineGradientDescent(ReplayOptions(labelColumnName, featureColumn.Name));
        return replay.Fit(replayData);
    }

    /// <summary>The options under which one pass of OnlineGradientDescent adds exactly <c>label·x</c> to the weights and <c>label</c> to the
    /// bias for every row (the contract <c>LinearModelFactoryContractTests</c> checks on each ML.NET version).</summary>
    internal static OnlineGradientDescentTrainer.Options ReplayOptions(string labelColumnName, string featureColumnName) => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        LossFunction = new ReplayLoss(),
        LearningRate = 1f,
        DecreaseLearningRate = false,
        L2Regularization = 0f,
        NumberOfIterations = 1,
        Shuffle = false,
        Averaged = false,
        InitialWeightsDiameter = 0f,
    };

    private sealed class ReplayRow
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = Array.Empty<float>();
    }

    /// <summary>A loss whose derivative is −label, so the online update adds exactly <c>label·x</c> and <c>label</c>.</summary>
    private sealed class ReplayLoss : IRegressionLoss
    {
        // Non-zero: the online trainer skips the update of any row whose loss is exactly 0.
        public double Loss(float output, float label) => 1;

        public float Derivative(float output, float label) => -label;
    }
}
