using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>A seeded uniform sample of a text file's data lines (reservoir sampling), with its header line first: what a worker sends
/// the coordinator to fit the featurization on, so the coordinator needs no copy of the shard.</summary>
/// <remarks>Lines are cut at line ends; blank lines and <c>//</c> comment lines are skipped as ML.NET's <c>TextLoader</c> skips them. A
/// quoted field holding a line break would be cut in two: such files need the featurization fitted on a local copy instead.</remarks>
internal static class LineSample
{
    /// <summary>Returns the header line and up to <paramref name="count"/> data lines of <paramref name="path"/>.</summary>
    /// <exception cref="ShardDataException">The file is missing, unreadable or has no lines.</exception>
    public static string[] Draw(string path, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!File.Exists(path))
            throw new ShardDataException(path, $"The shard file '{path}' does not exist on this worker (full path: {Path.GetFullPath(path)}).");
        try
        {
            string? header = null;
            var kept = new List<string>();
            var random = new SplitMix64(seed, stream: 0x11E5UL);
            long seen = 0;
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
                    continue;
                if (header is null)
                {
                    header = line;
                    continue;
                }
                if (kept.Count < count)
                    kept.Add(line);
                else if ((long)Math.BigMul(random.NextUInt64(), (ulong)seen + 1, out _) is var slot && slot < count)
                    kept[(int)slot] = line;
                seen++;
            }
            return header is null
                ? throw new ShardDataException(path, $"The shard file '{path}' is empty.")
                : [header, .. kept];
        }
        catch (IOException e)
        {
            throw new ShardDataException(path, $"The shard file '{path}' cannot be read: {e.Message}");
        }
    }
}
