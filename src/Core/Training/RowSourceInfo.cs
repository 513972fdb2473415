namespace MlNetGd.Trainers.Core;

/// <summary>Where a fit's rows came from, known before its first step and recorded in its <see cref="TrainingHistory"/>.</summary>
/// <param name="Source">The source the epochs read (never <see cref="RowSource.Auto"/>).</param>
/// <param name="SkippedRowCount">How many input rows were left out for a NaN or infinite value (<c>SkipNonFiniteRows</c>).</param>
/// <param name="ReusedCacheFile">Whether an existing cache file was trained from without reading the source.</param>
public readonly record struct RowSourceInfo(RowSource Source, long SkippedRowCount = 0, bool ReusedCacheFile = false);
