using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>The label and feature columns a fit reads, found and checked once, and how its errors name them.</summary>
/// <param name="Label">The label column (Single).</param>
/// <param name="Features">The feature column (known-size vector of Single).</param>
/// <param name="FeatureCount">d, the feature vector's size.</param>
/// <param name="Names">The column names and (read only when an error names a slot) the slot names.</param>
internal sealed record DataViewColumns(DataViewSchema.Column Label, DataViewSchema.Column Features, int FeatureCount, RowNames Names)
{
    /// <summary>Finds the columns in <paramref name="schema"/> (<see cref="DataViewReader.FindColumns"/>).</summary>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type; the message lists what is there.</exception>
    public static DataViewColumns Find(DataViewSchema schema, string labelColumnName, string featureColumnName)
    {
        var (label, features, d) = DataViewReader.FindColumns(schema, labelColumnName, featureColumnName);
        return new DataViewColumns(label, features, d, new RowNames(label.Name, features.Name, new SlotNames(features, d)));
    }

    /// <summary>Returns every slot name of the feature column, or <see langword="null"/> when it has none (a cache file's schema hashes them).</summary>
    public IReadOnlyList<string>? AllSlotNames() => Features.HasSlotNames() ? ((SlotNames)Names.SlotNames!).ToArray() : null;

    // The slot names of a vector column, read from its annotation only when one is asked for (a hashed column has 2^20 of them).
    private sealed class SlotNames(DataViewSchema.Column features, int count) : IReadOnlyList<string>
    {
        private VBuffer<ReadOnlyMemory<char>> _names;
        private bool _read;

        public int Count => features.HasSlotNames() ? count : 0;

        public string this[int index]
        {
            get
            {
                if (!_read)
                {
                    features.GetSlotNames(ref _names);
                    _read = true;
                }
                return _names.GetItemOrDefault(index).ToString();
            }
        }

        public IEnumerator<string> GetEnumerator()
        {
            for (int j = 0; j < Count; j++)
                yield return this[j];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
