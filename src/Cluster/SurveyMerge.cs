using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The coordinator's side of the fit's survey: the shards' parts (<see cref="Survey.TakePart"/>, each taken on its worker)
/// merged in shard order into one <see cref="SurveyPart"/>, which <see cref="Survey.Standardize"/> turns into the fit's one
/// standardization and <see cref="Survey.Create"/> into its one survey — what a local fit's survey of the same rows holds.</summary>
/// <remarks>The sample: m rows as a local survey of all N rows would take (<see cref="Survey.SampleRowCount"/>), each shard giving its
/// share in proportion to its rows (<see cref="Shares"/>), evenly spaced in its own evenly spaced sample; one shard gives all of its
/// sample, so a fit of one shard has a local fit's survey bit for bit. The column sums: added in shard order
/// (<see cref="FeatureStandardization.SparseAccumulator.Add(FeatureStandardization.SparseAccumulator)"/>). The largest row: over the
/// merged sample for dense rows, as a local survey takes it; the largest of the shards' for CSR rows.</remarks>
internal static class SurveyMerge
{
    /// <summary>How many rows each shard gives a sample of <paramref name="sampleRows"/> rows: in proportion to its rows (largest
    /// remainders, ties to the earlier shard), never more than it has.</summary>
    public static int[] Shares(IReadOnlyList<long> rows, int sampleRows)
    {
        long total = rows.Sum();
        int m = (int)Math.Min(sampleRows, total);
        var counts = new int[rows.Count];
        var remainders = new (double Remainder, int Shard)[rows.Count];
        int given = 0;
        for (int j = 0; j < rows.Count; j++)
        {
            double exact = (double)m * rows[j] / total;
            counts[j] = (int)Math.Min(Math.Floor(exact), rows[j]);
            given += counts[j];
            remainders[j] = (exact - counts[j], j);
        }
        foreach (var (_, shard) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Shard))
        {
            if (given == m)
                break;
            if (counts[shard] < rows[shard])
            {
                counts[shard]++;
                given++;
            }
        }
        return counts;
    }

    /// <summary>Merges the shards' parts, in shard order.</summary>
    /// <exception cref="InvalidDataException">A part does not fit the others (another feature count or storage).</exception>
    public static SurveyPart Merge(IReadOnlyList<ShardPart> parts, int featureCount, bool sparse)
    {
        TrainingRows sample;
        try
        {
            sample = SampleRows.Concatenate(parts.Select(p => p.Sample).ToArray(), featureCount, sparse);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The shards' samples cannot be merged: {e.Message}", e);
        }
        FeatureStandardization.SparseAccumulator? sums = null;
        foreach (var part in parts)
        {
            if (part.Sums(featureCount) is not { } theirs)
                continue;
            sums ??= new FeatureStandardization.SparseAccumulator(featureCount);
            sums.Add(theirs);
        }
        return new SurveyPart(sample, parts.Sum(p => p.Rows), sums, parts.Max(p => p.LargestRawRowNorm));
    }

    /// <summary>The fit's survey from the merged part and, for CSR rows in a standardized space, the shards' largest rows.</summary>
    public static Survey Create(SurveyPart merged, FeatureStandardization? standardization, bool sparse, IEnumerable<double> largestStandardizedRows) =>
        Survey.Of(merged, standardization, sparse, () => largestStandardizedRows.Max());
}
