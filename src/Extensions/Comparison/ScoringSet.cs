using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Comparison;

/// <summary>The rows a comparison times scoring on: the fold's featurized test rows, repeated until there are enough to time.</summary>
/// <remarks>Scoring 200 rows takes about as long as ML.NET's per-call set-up (building the row mapper and cursor), so a throughput
/// measured on them says more about that overhead than about the model: two identical linear models measured 504,724 and 36,529 rows/s.
/// Repeating the rows to <see cref="TargetRows"/> makes the per-row cost dominate.</remarks>
internal sealed class ScoringSet
{
    /// <summary>How many rows scoring is timed on, at least (unless that would take more than <see cref="MaxValues"/> feature values).</summary>
    public const int TargetRows = 100_000;

    /// <summary>The most feature values (dense slots, or stored values of sparse rows) the repeated rows may hold: 64 MB of floats.</summary>
    public const long MaxValues = 16_000_000;

    private ScoringSet(IDataView view, int rowCount)
    {
        View = view;
        RowCount = rowCount;
    }

    /// <summary>A timed pass at least this long is measured well enough on its own: no further repeat is timed. (FastTree scores
    /// 100,000 rows in about 0.5 s; three repeats over five folds added 7 s to a default compare.)</summary>
    public const double LongPassSeconds = 0.25;

    /// <summary>Gets the cached view of the repeated rows (the feature column only).</summary>
    public IDataView View { get; }

    /// <summary>Gets its row count.</summary>
    public int RowCount { get; }

    /// <summary>Repeats the rows of <paramref name="test"/>'s feature column (dense or sparse, as featurized) into a cached view with the
    /// same column name and type, so every trainer's model scores it as it scores the test rows.</summary>
    public static ScoringSet Create(MLContext ml, IDataView test, string featureColumnName)
    {
        var column = test.Schema[featureColumnName];
        var rows = new List<VBuffer<float>>();
        long values = 0;
        using (var cursor = test.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var value = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                getter(ref value);
                var copy = default(VBuffer<float>);
                value.CopyTo(ref copy);
                rows.Add(copy);
                values += copy.GetValues().Length;
            }
        }
        long perCopy = Math.Max(values, 1);
        long copies = Math.Max(1, Math.Min((TargetRows + rows.Count - 1) / Math.Max(rows.Count, 1), MaxValues / perCopy));
        var repeated = new Row[copies * rows.Count];
        for (int i = 0; i < repeated.Length; i++)
            repeated[i] = new Row { Features = rows[i % rows.Count] };   // shared read-only buffers: the cache below holds the copies
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[0].ColumnName = featureColumnName;
        schema[0].ColumnType = column.Type;
        var view = ml.Data.Cache(ml.Data.LoadFromEnumerable(repeated, schema));
        using (var cursor = view.GetRowCursor([]))   // fill the cache now, so the first timed pass does not pay for it
        {
            while (cursor.MoveNext())
            {
            }
        }
        return new ScoringSet(view, repeated.Length);
    }

    /// <summary>Times <paramref name="model"/> scoring every row (reading each Score) and returns rows per second: the median pass of
    /// <paramref name="repeats"/>, or the first pass alone when it lasted <see cref="LongPassSeconds"/> or more.</summary>
    public double RowsPerSecond(ITransformer model, int repeats)
    {
        var seconds = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var scored = model.Transform(View);
            using (var cursor = scored.GetRowCursor([scored.Schema["Score"]]))
            {
                var score = cursor.GetGetter<float>(scored.Schema["Score"]);
                float value = 0;
                while (cursor.MoveNext())
                    score(ref value);
            }
            seconds.Add(clock.Elapsed.TotalSeconds);
            if (seconds[0] >= LongPassSeconds)
                break;
        }
        return RowCount / Math.Max(TrainerRun.Median(seconds), 1e-9);
    }

    private sealed class Row
    {
        public VBuffer<float> Features { get; set; }
    }
}
