namespace MlNetGd.Trainers.Core;

/// <summary>Where a fit's epochs read their rows from.</summary>
public enum RowSource
{
    /// <summary>A copy of the rows in memory, shuffled once with the seed (dense or CSR).</summary>
    Copy,

    /// <summary>The caller's in-memory data itself, read front to back every epoch (no copy); rows are shuffled inside blocks.</summary>
    InPlace,

    /// <summary>A cache file on disk, written by the first pass and read every epoch.</summary>
    CacheFile,
}
