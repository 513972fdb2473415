using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Streaming;

/// <summary>The floor every streamed figure is compared with: one cursor pass reading the label and the features.</summary>
internal static class CursorPass
{
    /// <summary>Times one pass (shuffled by the source when <paramref name="random"/> is given), handing each row to
    /// <paramref name="writer"/> when there is one (the cost of a first pass that writes the cache file).</summary>
    public static double Time(IDataView data, string label = "Label", string features = "Features", Random? random = null, CacheFileWriter? writer = null)
    {
        var clock = Stopwatch.StartNew();
        var columns = new[] { data.Schema[label], data.Schema[features] };
        using var cursor = random is null ? data.GetRowCursor(columns) : data.GetRowCursor(columns, random);
        var getLabel = cursor.GetGetter<float>(columns[0]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(columns[1]);
        float y = 0;
        VBuffer<float> x = default;
        while (cursor.MoveNext())
        {
            getLabel(ref y);
            getFeatures(ref x);
            if (writer is null)
                continue;
            if (x.IsDense)
                writer.AppendDense(x.GetValues(), y);
            else
                writer.AppendSparse(x.GetIndices(), x.GetValues(), y);
        }
        return clock.Elapsed.TotalSeconds;
    }
}
