namespace MlNetGd.Bench.Streaming;

/// <summary>What one child run of the <c>inplace</c> mode measured: three fits of one trainer in a fresh process.</summary>
/// <param name="Configuration">The configuration's name (<see cref="InPlaceChild.Configurations"/>).</param>
/// <param name="Rows">Training rows (the held-out rows not counted).</param>
/// <param name="Features">Features per row.</param>
/// <param name="Ordered">Whether the training rows were sorted by label.</param>
/// <param name="SetupSeconds">Generating the rows and filling ML.NET's cache (not part of any fit).</param>
/// <param name="FitSeconds">Wall clock of each <c>Fit</c>, in order: the first one in the process ("fresh"), then two "warm" ones.</param>
/// <param name="HeldOutMse">The held-out MSE of each fit's model, in double.</param>
/// <param name="OptimumMse">The held-out MSE of the least-squares optimum of the training rows.</param>
/// <param name="RowSource">Gradient descent: where each fit's epochs read their rows from (<c>TrainingHistory.RowSource</c>); null otherwise.</param>
/// <param name="Epochs">Gradient descent: each fit's epoch count; null otherwise.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set up to the end of the first fit (VmHWM on Linux).</param>
/// <param name="PeakWorkingSetAllFitsBytes">The same up to the end of the third fit (the warm fits' garbage may not have been collected).</param>
/// <param name="WorkingSetBeforeFitBytes">The working set just before the first fit.</param>
/// <param name="FirstFitWorkingSetGrowthBytes">The working set after the first fit minus before it.</param>
/// <param name="FirstFitPeakGrowthBytes">The peak working set during the first fit minus the working set before it, when the peak
/// could be reset before the fit (Linux <c>/proc/self/clear_refs</c>); -1 otherwise.</param>
/// <param name="FirstFitAllocatedBytes">Managed bytes allocated during the first fit.</param>
/// <param name="GarbageCollector">The child's GC: "concurrent" (the default users get) or "non-concurrent".</param>
/// <param name="Round">The parent's round (set by the parent).</param>
internal sealed record InPlaceResult(string Configuration, int Rows, int Features, bool Ordered, double SetupSeconds, double[] FitSeconds,
    double[] HeldOutMse, double OptimumMse, string[]? RowSource, int[]? Epochs, long PeakWorkingSetBytes, long PeakWorkingSetAllFitsBytes, long WorkingSetBeforeFitBytes,
    long FirstFitWorkingSetGrowthBytes, long FirstFitPeakGrowthBytes, long FirstFitAllocatedBytes, string GarbageCollector = "", int Round = 0)
{
    /// <summary>Gets the first fit's time.</summary>
    public double FreshSeconds => FitSeconds[0];

    /// <summary>Gets the mean of the fits after the first.</summary>
    public double WarmSeconds => FitSeconds.Skip(1).Average();

    /// <summary>Gets the largest held-out MSE of the three fits over the optimum's.</summary>
    public double WorstMseRatio => HeldOutMse.Max() / OptimumMse;

    public override string ToString()
    {
        const double MiB = 1048576.0;
        string source = RowSource is null ? "" : $", RowSource {string.Join('/', RowSource.Distinct())}, epochs {string.Join('/', Epochs!)}";
        string peakGrowth = FirstFitPeakGrowthBytes < 0 ? "n/a" : $"{FirstFitPeakGrowthBytes / MiB:+0;-0}";
        return $"round {Round + 1} {Configuration,-10}: fresh fit {FreshSeconds,6:F3} s, warm {string.Join(" / ", FitSeconds.Skip(1).Select(s => s.ToString("F3")))} s, " +
            $"MSE / optimum {string.Join(" / ", HeldOutMse.Select(m => (m / OptimumMse).ToString("F5")))} (optimum {OptimumMse:G6}){source}; " +
            $"peak working set {PeakWorkingSetBytes / MiB:F0} MiB ({PeakWorkingSetAllFitsBytes / MiB:F0} MiB after three fits), first fit: working set {WorkingSetBeforeFitBytes / MiB:F0} MiB " +
            $"{FirstFitWorkingSetGrowthBytes / MiB:+0;-0} MiB (peak {peakGrowth} MiB), allocated {FirstFitAllocatedBytes / MiB:F0} MiB; setup {SetupSeconds:F1} s; {GarbageCollector} GC";
    }
}
