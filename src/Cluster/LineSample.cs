using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>A seeded uniform sample of a text file's data records (reservoir sampling), with its header first: what a worker sends
/// the coordinator to fit the featurization on, so the coordinator needs no copy of the shard.</summary>
/// <remarks>Records as ML.NET's <c>TextLoader</c> reads them, found by the same byte pass as every local read (<see cref="LineMap"/>):
/// blank and <c>//</c> lines skipped, and a record whose quoted fields hold line breaks kept whole (its lines joined with <c>\n</c>).</remarks>
internal static class LineSample
{
    /// <summary>Returns the header and up to <paramref name="count"/> data records of <paramref name="path"/>.</summary>
    /// <exception cref="ShardDataException">The file is missing, unreadable or has no lines, or its bytes are refused (a NUL byte,
    /// not UTF-8, a quote never closed).</exception>
    public static string[] Draw(string path, int count, int seed, char separator)
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
            foreach (var (_, record) in FileBytes.Read(path, path, separator).Records(path))
            {
                if (header is null)
                {
                    header = record;
                    continue;
                }
                if (kept.Count < count)
                    kept.Add(record);
                else if ((long)Math.BigMul(random.NextUInt64(), (ulong)seen + 1, out _) is var slot && slot < count)
                    kept[(int)slot] = record;
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
        catch (DataFileException e)
        {
            throw new ShardDataException(path, e.Message);
        }
    }
}
