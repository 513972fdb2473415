namespace MlNetGd.Trainers.Core;

/// <summary>Where the rows of a fit's one read go, in order: a copy in memory (<see cref="TrainingRowsBuilder"/>) or a cache file
/// (<see cref="CacheFileWriter"/>). Rows reach it already checked (<see cref="RowCheck"/>).</summary>
internal interface IRowSink
{
    /// <summary>Stores one row: all d values when <paramref name="indices"/> is empty, else the values at those columns.</summary>
    void Add(float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values);
}
