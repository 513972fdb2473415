using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace MlNetGd.Data;

/// <summary>How a file's columns become one normalized feature vector: each column's kind and treatment, as ML.NET transforms.</summary>
/// <remarks>The pipeline (<see cref="CreatePipeline"/>) holds every step, so a model that starts with it scores a raw file with the
/// original columns. Rows without a label are dropped when the data is loaded (<see cref="Load"/>), not by the pipeline, so scoring
/// files need no label. Each step covers every column of its kind at once (one missing-value replacement, one one-hot encoding, …),
/// so fitting it reads the data a fixed number of times whatever the number of columns.</remarks>
public sealed class FeaturizationPlan
{
    /// <summary>The most levels a categorical column is one-hot encoded with; above it the encoding is hashed.</summary>
    public const int MaxOneHotLevels = 256;

    /// <summary>The bits of the hashed one-hot encoding (2^bits slots).</summary>
    public const int HashBits = 10;

    internal FeaturizationPlan(string label, string features, IReadOnlyList<ColumnPlan> columns, int rowCount, int droppedRows, IReadOnlyList<string> warnings)
    {
        LabelColumnName = label;
        FeatureColumnName = features;
        Columns = columns;
        RowCount = rowCount;
        DroppedRowCount = droppedRows;
        Warnings = warnings;
    }

    /// <summary>Gets the label column.</summary>
    public string LabelColumnName { get; }

    /// <summary>Gets the feature column the pipeline produces.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets every column except the label, in file order, with its kind and treatment.</summary>
    public IReadOnlyList<ColumnPlan> Columns { get; }

    /// <summary>Gets the number of data rows in the file.</summary>
    public int RowCount { get; }

    /// <summary>Gets the number of rows dropped because their label is empty.</summary>
    public int DroppedRowCount { get; }

    /// <summary>Gets what the user should check, one sentence a column: a column where most cells look like numbers but that is not
    /// read as numbers (a decimal comma, say), or a column of strings dropped as an identifier.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Returns the name of the 0/1 column that marks a numeric column's missing cells.</summary>
    public static string MissingIndicatorName(string column) => column + " (missing)";

    /// <summary>Returns the columns the model reads and how (numbers as Single, the rest as text), in file order.</summary>
    /// <param name="includeLabel">Whether to include the label.</param>
    public IEnumerable<(string Name, DataKind Kind)> InputColumns(bool includeLabel) =>
        (includeLabel ? [(LabelColumnName, DataKind.Single)] : Array.Empty<(string, DataKind)>())
            .Concat(Columns.Where(c => c.IsUsed).Select(c => (c.Name, c.IsNumber ? DataKind.Single : DataKind.String)));

    /// <summary>Loads the file's label and used columns, without the rows whose label is empty.</summary>
    public IDataView Load(MLContext mlContext, DelimitedFile file)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(file);
        return file.Load(mlContext, InputColumns(includeLabel: true), requiredColumn: LabelColumnName);
    }

    /// <summary>Returns the input schema a saved model records: the used columns without the label.</summary>
    public DataViewSchema InputSchema(MLContext mlContext, DelimitedFile file)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(file);
        return file.Load(mlContext, InputColumns(includeLabel: false)).Schema;
    }

    /// <summary>Builds the featurization: per column as <see cref="Columns"/> says, concatenated into <see cref="FeatureColumnName"/>
    /// and normalized with NormalizeMeanVariance.</summary>
    /// <remarks>Numbers: a 0/1 missing indicator where the file has empty cells, then the mean for missing values; categories: one-hot
    /// (hashed above <see cref="MaxOneHotLevels"/> levels); text: a bag of words. Each kind is one multi-column step; the features are
    /// concatenated in file order (a number's indicator before it), as one step per column used to give them.</remarks>
    public IEstimator<ITransformer> CreatePipeline(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return Steps(mlContext, oneHotAsKeys: false).Aggregate((IEstimator<ITransformer>)new EstimatorChain<ITransformer>(), (chain, step) => chain.Append(step));
    }

    /// <summary>Fits the featurization (<see cref="CreatePipeline"/>'s steps) on <paramref name="data"/>, each step's pass on the calling
    /// thread; the result transforms as the fitted pipeline does.</summary>
    /// <remarks>ML.NET's own chain would let each pass split its rows among threads (see <see cref="SingleCursorView"/>).</remarks>
    public ITransformer Fit(MLContext mlContext, IDataView data) => Fit(mlContext, data, oneHotAsKeys: false);

    /// <summary>Fits the featurization on every labelled row of a file held in memory, and returns it with the featurized rows.</summary>
    /// <param name="mlContext">The context.</param>
    /// <param name="file">The file this plan was inferred from.</param>
    /// <param name="featurized">Receives the featurized rows (the label and <see cref="FeatureColumnName"/>), for a trainer.</param>
    /// <returns>The fitted featurization of the raw columns: a model that starts with it scores a raw file.</returns>
    /// <remarks>The features are those of <see cref="CreatePipeline"/> fitted on <see cref="Load"/>'s rows, but the one-hot dictionaries
    /// are built from the values the file holds, with no pass over the rows, and <paramref name="featurized"/> reads those columns
    /// as keys (a string lookup a cell less on every pass).</remarks>
    public ITransformer Fit(MLContext mlContext, DelimitedFile file, out IDataView featurized)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(file);
        (var featurizer, featurized) = FileFeaturizer.Fit(mlContext, this, file);
        return featurizer;
    }

    /// <summary>Whether a column is one-hot encoded through a dictionary (not hashed).</summary>
    internal static bool IsOneHot(ColumnPlan c) => c.IsUsed && c.Kind is not (ColumnKind.Numeric or ColumnKind.Text) && !c.IsHashed;

    internal ITransformer Fit(MLContext mlContext, IDataView data, bool oneHotAsKeys)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(data);
        var fitted = new List<ITransformer>();
        foreach (var step in Steps(mlContext, oneHotAsKeys))
        {
            var transformer = step.Fit(new SingleCursorView(data));
            fitted.Add(transformer);
            data = transformer.Transform(data);
        }
        return new TransformerChain<ITransformer>([.. fitted]);
    }

    /// <param name="mlContext">The context.</param>
    /// <param name="oneHotAsKeys">Whether the one-hot columns arrive as keys (<see cref="FileFeaturizer"/>): then only their key-to-vector half.</param>
    private List<IEstimator<ITransformer>> Steps(MLContext mlContext, bool oneHotAsKeys)
    {
        var t = mlContext.Transforms;
        var used = Columns.Where(c => c.IsUsed).ToList();
        InputOutputColumnPair[] Pairs(Func<ColumnPlan, bool> which, Func<string, string>? output = null) =>
            used.Where(which).Select(c => new InputOutputColumnPair(output?.Invoke(c.Name) ?? c.Name, c.Name)).ToArray();
        var indicators = Pairs(c => c.Kind == ColumnKind.Numeric && c.MissingCount > 0, MissingIndicatorName);
        var numbers = Pairs(c => c.Kind == ColumnKind.Numeric);
        var oneHot = Pairs(IsOneHot);
        var hashed = Pairs(c => c.Kind is not (ColumnKind.Numeric or ColumnKind.Text) && c.IsHashed);

        var steps = new List<IEstimator<ITransformer>>();
        if (indicators.Length > 0)
        {
            steps.Add(t.IndicateMissingValues(indicators));
            steps.Add(t.Conversion.ConvertType(indicators.Select(p => new InputOutputColumnPair(p.OutputColumnName)).ToArray(), DataKind.Single));
        }
        if (numbers.Length > 0)
            steps.Add(t.ReplaceMissingValues(numbers, MissingValueReplacingEstimator.ReplacementMode.Mean));
        if (oneHot.Length > 0)
            steps.Add(oneHotAsKeys ? t.Conversion.MapKeyToVector(oneHot, outputCountVector: false) : t.Categorical.OneHotEncoding(oneHot));
        if (hashed.Length > 0)
            steps.Add(t.Categorical.OneHotHashEncoding(hashed, numberOfBits: HashBits));
        foreach (var c in used.Where(c => c.Kind == ColumnKind.Text))
        {
            steps.Add(t.Text.FeaturizeText(c.Name, new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, UseAllLengths = false },
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, c.Name));
        }
        var outputs = used.SelectMany(c => c.Kind == ColumnKind.Numeric && c.MissingCount > 0 ? [MissingIndicatorName(c.Name), c.Name] : new[] { c.Name });
        steps.Add(t.Concatenate(FeatureColumnName, outputs.ToArray()));
        steps.Add(t.NormalizeMeanVariance(FeatureColumnName));
        return steps;
    }

    /// <summary>Describes the plan as text: one line per column, then the rows dropped.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Featurization of {RowCount} rows, label '{LabelColumnName}':");
        int width = Columns.Count == 0 ? 0 : Math.Min(32, Columns.Max(c => c.Name.Length));
        foreach (var c in Columns)
            text.AppendLine(CultureInfo.InvariantCulture, $"  {c.Name.PadRight(width)}  {c.Kind,-11}  {c.Treatment} (why: {c.Reason})");
        text.Append(DroppedRowCount == 0
            ? "Every row has a label."
            : string.Create(CultureInfo.InvariantCulture, $"{DroppedRowCount} of {RowCount} rows have no label and are dropped; {RowCount - DroppedRowCount} rows remain."));
        foreach (string warning in Warnings)
            text.AppendLine().Append("Warning: ").Append(warning);
        return text.ToString();
    }
}
