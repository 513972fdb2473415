using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Comparison;

/// <summary>The rows a comparison times scoring on: the fold's featurized test rows, repeated until there are enough to time.</summary>
/// <remarks>Scoring 200 rows takes about as long as ML.NET's per-call set-up (building the row mapper and cursor), so a throughput
/// measured on them says more about that overhead than about the model: two identical linear models measured 504,724 and 36,529 rows/s.
/// Repeating the rows to <see cref="TargetRows"/> makes the per-row cost dominate.</remarks>
internal sealed class ScoringSet
{
    /// <summary>How many rows scoring is timed on, at least (unless that would take more than <see cref="MaxFloats"/> feature values).</summary>
    public const int TargetRows = 100_000;

    /// <summary>The most feature values the repeated rows may hold (64 MB of floats).</summary>
    public const int MaxFloats = 16_000_000;

    private ScoringSet(IDataView view, int rowCount)
    {
        View = view;
        RowCount = rowCount;
    }

    /// <summary>Gets the cached view of the repeated rows (the feature column only).</summary>
    public IDataView View { get; }

    /// <summary>Gets its row count.</summary>
    public int RowCount { get; }

    /// <summary>Repeats <paramref name="test"/>'s rows into a cached view whose feature column has the type the trainers saw.</summary>
    public static ScoringSet Create(MLContext ml, DenseDataset test, VectorDataViewType featureType, string featureColumnName)
    {
        int d = test.FeatureCount;
        int wanted = Math.Max(test.RowCount, Math.Min(TargetRows, MaxFloats / Math.Max(d, 1)));
        int copies = (wanted + test.RowCount - 1) / test.RowCount;
        var rows = new Row[copies * test.RowCount];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = new Row { Features = test.Row(i % test.RowCount).ToArray() };
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[0].ColumnName = featureColumnName;
        schema[0].ColumnType = featureType;
        var view = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows, schema));
        using (var cursor = view.GetRowCursor([]))   // fill the cache now, so the first timed pass does not pay for it
        {
            while (cursor.MoveNext())
            {
            }
        }
        return new ScoringSet(view, rows.Length);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
