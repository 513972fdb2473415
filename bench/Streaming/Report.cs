using System.Text;

namespace MlNetGd.Bench.Streaming;

/// <summary>The results as a Markdown table and the two targets as ratios.</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<ChildResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| rows | mode | peak working set (MiB) | peak GC heap (MiB) | epoch (s) | before 1st epoch (s) | total fit (s) | bare cursor pass (s) | lr | cost first -> last |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
            text.AppendLine($"| {r.Rows:N0} | {r.Mode} | {r.PeakWorkingSetBytes / 1048576.0:F0} | {r.PeakGcHeapBytes / 1048576.0:F0} | {r.EpochSeconds:F2} | " +
                $"{r.BeforeFirstEpochSeconds:F2} | {r.TotalSeconds:F1} | {(double.IsNaN(r.CursorPassSeconds) ? "" : r.CursorPassSeconds.ToString("F2"))} | {r.LearningRate:G4} | {r.FirstCost:G5} -> {r.FinalCost:G5} |");
        return text.ToString();
    }

    public static string Targets(IReadOnlyList<ChildResult> results)
    {
        var text = new StringBuilder();
        var streamed = results.Where(r => r.Mode == "streamed").OrderBy(r => r.Rows).ToList();
        if (streamed.Count >= 2)
        {
            var (small, large) = (streamed[0], streamed[^1]);
            double growth = (double)large.PeakWorkingSetBytes / small.PeakWorkingSetBytes - 1;
            double heapGrowth = (double)large.PeakGcHeapBytes / small.PeakGcHeapBytes - 1;
            text.AppendLine($"streamed peak working set {small.Rows:N0} -> {large.Rows:N0} rows: {growth:+0.0%;-0.0%} " +
                $"(GC heap {heapGrowth:+0.0%;-0.0%}); target < +10%: {(growth < 0.10 ? "met" : "MISSED")}");
        }
        foreach (var s in streamed)
        {
            var cached = results.FirstOrDefault(r => r.Mode == "cached" && r.Rows == s.Rows);
            if (cached is null)
                continue;
            double ratio = s.EpochSeconds / cached.EpochSeconds;
            text.AppendLine($"{s.Rows:N0} rows: streamed epoch / cached epoch = {s.EpochSeconds:F2} / {cached.EpochSeconds:F2} = {ratio:F2}x; " +
                $"target <= 3x: {(ratio <= 3 ? "met" : "MISSED")}; peak working set streamed / cached = " +
                $"{(double)s.PeakWorkingSetBytes / cached.PeakWorkingSetBytes:F2}; bare cursor pass / cached epoch = {s.CursorPassSeconds / cached.EpochSeconds:F2}x");
        }
        return text.ToString();
    }
}
