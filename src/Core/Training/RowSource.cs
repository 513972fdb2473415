namespace MlNetGd.Trainers.Core;

/// <summary>Where a fit's epochs read their rows from: the trainer's <c>RowSource</c> option, and what
/// <see cref="TrainingHistory.RowSource"/> says was used.</summary>
public enum RowSource
{
    /// <summary>Chosen from the data and the options: <see cref="InPlace"/> for ML.NET's own in-memory cache of many dense rows in no
    /// particular order under a fit likely to be short, <see cref="CacheFile"/> when a cache file path is given, <see cref="Copy"/>
    /// otherwise. Never the source a history reports.</summary>
    Auto,

    /// <summary>A copy of the rows in memory (dense or CSR), shuffled once with the seed.</summary>
    Copy,

    /// <summary>The caller's in-memory data itself, read front to back every epoch (no copy); rows are shuffled inside blocks.</summary>
    InPlace,

    /// <summary>A cache file on disk, written by one pass over the source and read every epoch; memory does not grow with the rows.</summary>
    CacheFile,
}
