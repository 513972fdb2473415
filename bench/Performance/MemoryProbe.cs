using System.Diagnostics;

namespace MlNetGd.Bench;

/// <summary>Measures one action: wall time, peak GC heap and peak process working set above the level before it, and bytes allocated.</summary>
/// <remarks>
/// The peak working set is the kernel's high-water mark (<c>VmHWM</c> in <c>/proc/self/status</c>), reset before the action by
/// writing 5 to <c>/proc/self/clear_refs</c>; where that is not possible, it falls back to sampling. The peak GC heap is sampled
/// every millisecond on a separate thread (<see cref="GC.GetTotalMemory(bool)"/> without collection, which allocates nothing).
/// </remarks>
public static class MemoryProbe
{
    /// <summary>The figures of one measured action.</summary>
    public readonly record struct Measurement(TimeSpan Elapsed, long PeakGcBytesAbove, long PeakWorkingSetAbove, long AllocatedBytes, bool ExactWorkingSet);

    /// <summary>Runs <paramref name="action"/> once and measures it.</summary>
    public static Measurement Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true); // gives freed pages back to the OS
        long gcBefore = GC.GetTotalMemory(false);
        long rssBefore = ReadStatusKiB("VmRSS:") * 1024;
        bool exact = TryResetPeak();
        long peakGc = gcBefore;
        long peakRss = rssBefore;
        using var stop = new ManualResetEventSlim(false);
        var sampler = new Thread(() =>
        {
            var process = Process.GetCurrentProcess();
            while (!stop.IsSet)
            {
                long gc = GC.GetTotalMemory(false);
                if (gc > peakGc)
                    peakGc = gc;
                if (!exact)
                {
                    process.Refresh();
                    peakRss = Math.Max(peakRss, process.WorkingSet64);
                }
                stop.Wait(1);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        sampler.Start();
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        long gcAfter = GC.GetTotalMemory(false);
        stop.Set();
        sampler.Join();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        peakGc = Math.Max(peakGc, gcAfter);
        if (exact)
            peakRss = ReadStatusKiB("VmHWM:") * 1024;
        return new Measurement(watch.Elapsed, peakGc - gcBefore, Math.Max(0, peakRss - rssBefore), allocated, exact);
    }

    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return ReadStatusKiB("VmHWM:") > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long ReadStatusKiB(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(key.Length).Trim().ToString().Split(' ')[0]);
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
