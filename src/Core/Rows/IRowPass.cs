namespace MlNetGd.Trainers.Core;

/// <summary>Rows that can only be read front to back, one pass at a time — an ML.NET cursor over data held in memory — which
/// <see cref="PassBatches"/> trains on in place, without a copy.</summary>
/// <remarks>Used by one thread at a time; <see cref="PassBatches"/> reads it on its read-ahead thread.</remarks>
public interface IRowPass
{
    /// <summary>Gets the number of rows every pass returns.</summary>
    long RowCount { get; }

    /// <summary>Starts a new pass at the first row.</summary>
    void Restart();

    /// <summary>Reads the next row of the pass, valid until the next call: its label and its features, dense (all d values in
    /// <paramref name="values"/>, <paramref name="indices"/> empty) or sparse (stored values and their columns).</summary>
    /// <returns><see langword="false"/> when the pass has no more rows.</returns>
    bool Next(out float label, out ReadOnlySpan<int> indices, out ReadOnlySpan<float> values);
}
