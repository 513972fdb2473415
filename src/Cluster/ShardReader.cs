using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Reads one shard file on its worker, once: checks it against the fit's format, featurizes it with the shipped featurizer and
/// writes its rows into the worker's cache file through the one door a local fit from a cache file uses (<c>CacheFileRows.Write</c>:
/// the checked reader, the storage rule, the cache-file writer with its seeded row shuffle).</summary>
internal static class ShardReader
{
    /// <summary>Writes <paramref name="cachePath"/> from the job's shard file and returns it open (deleted when disposed), with the
    /// rows dropped for an empty label.</summary>
    /// <exception cref="ShardDataException">The file cannot be used; the message names it and says why.</exception>
    public static (CacheFileReader Reader, long DroppedRows) Write(ShardJob job, string cachePath, CancellationToken cancellationToken)
    {
        var format = job.Format;
        string path = job.Path;
        try
        {
            var file = DelimitedFile.Read(path, format.Separator, format.HasHeader);
            foreach (var column in format.Columns)
            {
                var profile = file.Profile(column.Name, column.Name == format.LabelColumnName ? "label" : "data");
                if (!column.IsNumber)
                    continue;
                if (profile.FirstNonNumeric is { } bad)
                    throw file.CellError(column.Name, bad.Row, bad.Text, "is not a number; the fit reads this column as numbers in every shard.");
                if (profile.FirstTooLarge is { } huge)
                    throw file.CellError(column.Name, huge.Row, huge.Text, "is too large: its square overflows single precision.");
            }
            var ml = new MLContext(job.Seed);
            IDataView data = file.Load(ml, format.Columns.Select(c => (c.Name, c.IsNumber ? DataKind.Single : DataKind.String)));
            long dropped = file.Profile(format.LabelColumnName).MissingCount;
            if (dropped > 0)
                data = ml.Data.FilterRowsByMissingValues(data, format.LabelColumnName);
            var featurizer = ml.Model.Load(new MemoryStream(format.Featurizer, writable: false), out _);
            var featurized = featurizer.Transform(data);
            var columns = DataViewColumns.Find(featurized.Schema, format.LabelColumnName, format.FeatureColumnName);
            var slotNames = columns.AllSlotNames();
            if (columns.FeatureCount != format.FeatureCount || CacheFileSchema.HashSlotNames(slotNames) != format.SlotNameHash)
                throw new ShardDataException(path,
                    $"The shard '{path}' does not match the fit's schema: featurized it has {columns.FeatureCount} features" +
                    (columns.FeatureCount == format.FeatureCount ? " with other slot names" : $" where the fit has {format.FeatureCount}") +
                    ". Every shard must have the columns the featurization was fitted on.");
            var reader = CacheFileRows.Write(featurized, columns, slotNames, cachePath, job.Shuffle ? job.ShardSeed : null, skipNonFiniteRows: false,
                deleteOnDispose: true, cancellationToken, out _);
            return (reader, dropped);
        }
        catch (Exception e) when (e is DataFileException or ArgumentException or InvalidOperationException or FormatException or InvalidDataException
                                    or IOException or UnauthorizedAccessException)
        {
            string message = e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"Shard '{path}': {e.Message}";
            throw new ShardDataException(path, message);
        }
    }
}
