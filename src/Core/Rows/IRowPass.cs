namespace MlNetGd.Trainers.Core;

/// <summary>Rows read front to back, one pass at a time: what the survey of a fit (<see cref="Survey"/>) reads, whatever the rows'
/// source — a copy in memory, an ML.NET cursor over data read in place, a cache file.</summary>
/// <remarks>Used by one thread at a time. Every row returned has passed <see cref="RowCheck"/>: a source that reads rows from outside
/// checks them as it reads them.</remarks>
public interface IRowPass
{
    /// <summary>Gets the number of rows every pass returns.</summary>
    long RowCount { get; }

    /// <summary>Gets the number of features per row (d).</summary>
    int FeatureCount { get; }

    /// <summary>Starts a new pass at the first row.</summary>
    void Restart();

    /// <summary>Reads the next row of the pass, valid until the next call: its label and its features, dense (all d values in
    /// <paramref name="values"/>, <paramref name="indices"/> empty) or sparse (stored values and their columns).</summary>
    /// <returns><see langword="false"/> when the pass has no more rows.</returns>
    bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values);

    /// <summary>Moves over the next row without reading it (cheaper than <see cref="Next"/> where the source can skip).</summary>
    /// <returns><see langword="false"/> when the pass has no more rows.</returns>
    bool Skip();
}
