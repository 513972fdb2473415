namespace MlNetGd.Trainers.Core;

/// <summary>Tests whether rows are in a meaningful order — sorted by the label or a feature, or drifting along the file — from an
/// evenly spaced sample of them, kept in their order. Training in place (<see cref="PassBatches"/>) only mixes rows inside a block,
/// so it needs rows in no particular order; ordered data is copied and shuffled instead.</summary>
/// <remarks>
/// The sample is cut into <see cref="Groups"/> runs of consecutive rows (each from one stretch of the data). For the label, each
/// feature (dense rows) or the number of nonzeros (CSR rows), and the squared norm of the row, a one-way analysis of variance
/// compares the spread of the run means with the spread inside the runs: <c>F = between-run mean square / within-run mean
/// square</c>, about 1 ± 0.25 when the rows are in random order. Rows count as ordered when some F exceeds
/// <see cref="Threshold"/> (a false alarm has probability about 5·10⁻⁸ per statistic, and costs only the copy). With 512 sampled
/// rows a run, a mean that drifts by 0.06 standard deviations or more across the data is caught. A sample of fewer than
/// <see cref="MinimumRows"/> rows cannot tell, and counts as ordered.
/// </remarks>
public static class RowOrder
{
    /// <summary>The number of runs the sample is cut into.</summary>
    public const int Groups = 32;

    /// <summary>The F ratio above which rows count as ordered.</summary>
    public const double Threshold = 3;

    /// <summary>The smallest sample that can tell (16 rows a run).</summary>
    public const int MinimumRows = Groups * 16;

    /// <summary>Returns the statistic whose run means differ most, and its F ratio, over the first <paramref name="rowCount"/> rows of
    /// <paramref name="sample"/> taken in the data's order: a description such as "the label" or "feature 3" and F (∞ when
    /// runs are constant but differ; 0 when every statistic is constant).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowCount"/> is not in [<see cref="MinimumRows"/>, sample.RowCount].</exception>
    public static (string Statistic, double F) MostOrdered(TrainingRows sample, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (rowCount < MinimumRows || rowCount > sample.RowCount)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"must be in range [{MinimumRows}, {sample.RowCount}].");
        RowBlock rows = sample.Rows(0, rowCount);
        int d = rows.FeatureCount;
        int statistics = rows.IsSparse ? 3 : d + 2; // label, squared norm, then nonzeros (CSR) or each feature (dense)
        var sum = new double[Groups * statistics];
        var squares = new double[Groups * statistics];
        var shift = new double[statistics]; // the first row's values, so sums of squares do not cancel when a mean is large
        var values = new double[statistics];
        for (int i = 0; i < rowCount; i++)
        {
            Statistics(rows, i, values);
            if (i == 0)
                values.CopyTo(shift, 0);
            int g = (int)((long)i * Groups / rowCount);
            for (int s = 0; s < statistics; s++)
            {
                double v = values[s] - shift[s];
                sum[g * statistics + s] += v;
                squares[g * statistics + s] += v * v;
            }
        }
        string worst = "the label";
        double worstF = 0;
        for (int s = 0; s < statistics; s++)
        {
            double total = 0, within = 0, between = 0;
            for (int g = 0; g < Groups; g++)
                total += sum[g * statistics + s];
            double mean = total / rowCount;
            for (int g = 0; g < Groups; g++)
            {
                int size = (int)(((long)(g + 1) * rowCount + Groups - 1) / Groups - ((long)g * rowCount + Groups - 1) / Groups);
                double groupMean = sum[g * statistics + s] / size;
                between += size * (groupMean - mean) * (groupMean - mean);
                within += Math.Max(0, squares[g * statistics + s] - size * groupMean * groupMean);
            }
            double f = between <= 1e-12 * (within + between) ? 0
                : within == 0 ? double.PositiveInfinity
                : between / (Groups - 1) / (within / (rowCount - Groups));
            if (f > worstF)
                (worst, worstF) = (Name(s, rows.IsSparse), f);
        }
        return (worst, worstF);
    }

    /// <summary>Returns whether the sampled rows are ordered (<see cref="MostOrdered"/> above <see cref="Threshold"/>, or too few to tell).</summary>
    public static bool IsOrdered(TrainingRows sample, int rowCount) =>
        rowCount < MinimumRows || MostOrdered(sample, rowCount).F > Threshold;

    private static void Statistics(RowBlock rows, int i, double[] values)
    {
        values[0] = rows.Labels[i];
        double norm = 0;
        if (rows.IsSparse)
        {
            int start = rows.RowStarts[i], end = rows.RowEnds[i];
            for (int k = start; k < end; k++)
                norm += (double)rows.Values[k] * rows.Values[k];
            values[2] = end - start;
        }
        else
        {
            var x = rows.DenseFeatures.Slice(i * rows.FeatureCount, rows.FeatureCount);
            for (int j = 0; j < x.Length; j++)
            {
                norm += (double)x[j] * x[j];
                values[j + 2] = x[j];
            }
        }
        values[1] = norm;
    }

    private static string Name(int statistic, bool sparse) => statistic switch
    {
        0 => "the label",
        1 => "the rows' squared norm",
        _ => sparse ? "the rows' nonzero count" : $"feature {statistic - 2}",
    };
}
