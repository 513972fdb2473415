namespace MlNetGd.Bench.Streaming;

/// <summary>What one child run measured.</summary>
/// <param name="Rows">Rows in the file.</param>
/// <param name="Mode">"streamed" or "cached".</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set (VmHWM on Linux).</param>
/// <param name="PeakGcHeapBytes">The largest managed heap size seen (sampled every 10 ms, and at the end).</param>
/// <param name="EpochSeconds">Mean time of an epoch after the first (between EpochCompleted callbacks).</param>
/// <param name="BeforeFirstEpochSeconds">Time from Fit until the first epoch began, estimated: first callback minus one epoch
/// (cached: reading the file into memory; streamed: the survey pass).</param>
/// <param name="TotalSeconds">The whole Fit.</param>
/// <param name="LearningRate">The (automatic) learning rate.</param>
/// <param name="FirstCost">The first epoch's training cost.</param>
/// <param name="FinalCost">The last epoch's training cost.</param>
/// <param name="CursorPassSeconds">Streamed runs: one shuffled ML.NET cursor pass over the file reading both columns and nothing else
/// (the floor of a streamed epoch); NaN for cached runs.</param>
internal sealed record ChildResult(long Rows, string Mode, long PeakWorkingSetBytes, long PeakGcHeapBytes, double EpochSeconds,
    double BeforeFirstEpochSeconds, double TotalSeconds, float LearningRate, double FirstCost, double FinalCost, double CursorPassSeconds)
{
    public override string ToString() =>
        $"{Mode,-8} n={Rows,9:N0}: peak working set {PeakWorkingSetBytes / 1048576.0,7:F0} MiB, peak GC heap {PeakGcHeapBytes / 1048576.0,7:F0} MiB, " +
        $"epoch {EpochSeconds,6:F2} s, before first epoch {BeforeFirstEpochSeconds,6:F2} s, total {TotalSeconds,6:F1} s, " +
        $"lr {LearningRate:G4}, cost {FirstCost:G5} -> {FinalCost:G5}" + (double.IsNaN(CursorPassSeconds) ? "" : $", bare cursor pass {CursorPassSeconds:F2} s");
}
