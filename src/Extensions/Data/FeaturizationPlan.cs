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
/// files need no label.</remarks>
public sealed class FeaturizationPlan
{
    /// <summary>The most levels a categorical column is one-hot encoded with; above it the encoding is hashed.</summary>
    public const int MaxOneHotLevels = 256;

    /// <summary>The bits of the hashed one-hot encoding (2^bits slots).</summary>
    public const int HashBits = 10;

    internal FeaturizationPlan(string label, string features, IReadOnlyList<ColumnPlan> columns, int rowCount, int droppedRows)
    {
        LabelColumnName = label;
        FeatureColumnName = features;
        Columns = columns;
        RowCount = rowCount;
        DroppedRowCount = droppedRows;
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
        var data = file.Load(mlContext, InputColumns(includeLabel: true));
        return DroppedRowCount == 0 ? data : mlContext.Data.FilterRowsByMissingValues(data, LabelColumnName);
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
    public IEstimator<ITransformer> CreatePipeline(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var t = mlContext.Transforms;
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var outputs = new List<string>();
        foreach (var c in Columns.Where(c => c.IsUsed))
        {
            switch (c.Kind)
            {
                case ColumnKind.Numeric:
                    if (c.MissingCount > 0)
                    {
                        string indicator = MissingIndicatorName(c.Name);
                        chain = chain.Append(t.IndicateMissingValues(indicator, c.Name))
                            .Append(t.Conversion.ConvertType(indicator, indicator, DataKind.Single));
                        outputs.Add(indicator);
                    }
                    chain = chain.Append(t.ReplaceMissingValues(c.Name, c.Name, MissingValueReplacingEstimator.ReplacementMode.Mean));
                    break;
                case ColumnKind.Text:
                    chain = chain.Append(t.Text.FeaturizeText(c.Name, new TextFeaturizingEstimator.Options
                    {
                        WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, UseAllLengths = false },
                        CharFeatureExtractor = null,
                        Norm = TextFeaturizingEstimator.NormFunction.L2,
                    }, c.Name));
                    break;
                default:
                    chain = c.IsHashed
                        ? chain.Append(t.Categorical.OneHotHashEncoding(c.Name, c.Name, numberOfBits: HashBits))
                        : chain.Append(t.Categorical.OneHotEncoding(c.Name, c.Name));
                    break;
            }
            outputs.Add(c.Name);
        }
        return chain.Append(t.Concatenate(FeatureColumnName, outputs.ToArray()))
            .Append(t.NormalizeMeanVariance(FeatureColumnName));
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
        return text.ToString();
    }
}
