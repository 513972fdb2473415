using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>Fits a plan's featurization on every labelled row of a file held in memory. The one-hot columns' dictionaries are built
/// from the file's own distinct values (in the order they first appear, as a fit over the rows would build them), so no pass over
/// the rows is spent on them; and the rest of the featurization, the trainer and the evaluation read those columns as the keys the
/// dictionaries give, instead of looking every string up again on every pass.</summary>
internal static class FileFeaturizer
{
    /// <summary>Fits the featurization.</summary>
    /// <returns>The fitted featurization, which maps the raw columns (what a saved model scores), and the featurized rows, read from
    /// the keys.</returns>
    public static (ITransformer Featurizer, IDataView Featurized) Fit(MLContext ml, FeaturizationPlan plan, DelimitedFile file)
    {
        var strings = (StoredColumnsView)plan.Load(ml, file);   // holds every column the plan uses, on the labelled rows
        int[]? rows = strings.Rows;
        var oneHot = plan.Columns.Where(FeaturizationPlan.IsOneHot).Select(c => c.Name).ToHashSet();
        var mappers = new List<ITransformer>();
        var columns = new List<StoredColumnsView.Column>();
        foreach (var column in strings.Schema)
        {
            var stored = file.Stored(column.Name)!;
            if (!oneHot.Contains(column.Name))
            {
                columns.Add(new(column.Name, stored, column.Type));
                continue;
            }
            var keyData = TextView(column.Name, LevelsInOrder(stored, rows, file.RowCount));
            var mapper = ml.Transforms.Conversion.MapValueToKey(column.Name, column.Name, keyData: keyData).Fit(strings);
            mappers.Add(mapper);
            var keyed = mapper.GetOutputSchema(strings.Schema)[column.Name];
            // Each distinct text's key, from the fitted mapping itself.
            uint[] keys = mapper.Transform(TextView(column.Name, stored.Levels!)).GetColumn<uint>(column.Name).ToArray();
            columns.Add(new(column.Name, stored, keyed.Type, keyed.Annotations, keys));
        }
        var keyedRows = new StoredColumnsView(columns, file.RowCount, rows);
        var rest = plan.Fit(ml, keyedRows, oneHotAsKeys: true);
        return (new TransformerChain<ITransformer>([.. mappers, rest]), rest.Transform(keyedRows));
    }

    /// <summary>The column's distinct texts in the order they first appear in the given rows.</summary>
    private static string[] LevelsInOrder(StoredColumn column, int[]? rows, int rowCount)
    {
        var seen = new bool[column.Levels!.Length];
        var order = new List<string>();
        int count = rows?.Length ?? rowCount;
        for (int i = 0; i < count; i++)
        {
            int code = column.Codes![rows is null ? i : rows[i]];
            if (!seen[code])
            {
                seen[code] = true;
                order.Add(column.Levels[code]);
            }
        }
        return [.. order];
    }

    private static StoredColumnsView TextView(string name, string[] texts)
    {
        var codes = new CodeArray(texts.Length);
        for (int i = 0; i < texts.Length; i++)
            codes.Set(i, i);
        return new([new(name, StoredColumn.OfTexts(codes, texts, new float[texts.Length]), TextDataViewType.Instance)], texts.Length, null);
    }
}
