using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>Reads an <see cref="IDataView"/> into a <see cref="DenseDataset"/> in one cursor pass.</summary>
/// <remarks>
/// The label must be a <see cref="float"/> (Single) column and the features a known-size vector of Single. Sparse vectors are
/// made dense. A NaN or infinite value is an error naming its row and column. When the source does not know its row count,
/// one extra counting pass runs first, so the matrix is allocated once at its exact size. Each row is checked while it is in
/// cache, so the matrix is not read a second time.
/// </remarks>
public static class DataViewReader
{
    /// <summary>Reads the label and feature columns of <paramref name="data"/>.</summary>
    /// <param name="data">The data.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="cancellationToken">Checked every 4096 rows.</param>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, there are no rows, or a value is not finite.
    /// The message names the column and, for values, the row.</exception>
    public static DenseDataset Read(IDataView data, string labelColumnName, string featureColumnName, CancellationToken cancellationToken = default) =>
        Read(data, labelColumnName, featureColumnName, skipNonFiniteRows: false, out _, cancellationToken);

    /// <summary>Reads the label and feature columns of <paramref name="data"/>, optionally leaving out rows with a NaN or infinite value.</summary>
    /// <param name="data">The data.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="skipNonFiniteRows">Whether a row whose label or a feature is NaN or infinite is left out (counted in
    /// <paramref name="skippedRowCount"/>) instead of being an error.</param>
    /// <param name="skippedRowCount">Receives the number of rows left out (0 unless <paramref name="skipNonFiniteRows"/>).</param>
    /// <param name="cancellationToken">Checked every 4096 rows.</param>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, there are no rows (or none left after skipping),
    /// a value is not finite and rows are not skipped, or a row is so large its squared norm overflows single precision.
    /// The message names the column and, for values, the row.</exception>
    public static DenseDataset Read(IDataView data, string labelColumnName, string featureColumnName, bool skipNonFiniteRows,
        out long skippedRowCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (label, features, d) = FindColumns(data.Schema, labelColumnName, featureColumnName);

        long count = data.GetRowCount() ?? CountRows(data, cancellationToken);
        if (count == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        if (count * d > Array.MaxLength)
            throw new ArgumentException($"{count} rows x {d} features exceed the largest array .NET can hold ({Array.MaxLength} values).", nameof(data));

        var x = GC.AllocateUninitializedArray<float>((int)(count * d));
        var y = GC.AllocateUninitializedArray<float>((int)count);
        using var cursor = new RowCursorReader(data, label, features, random: null);
        long row = 0, kept = 0;
        while (NextRow(cursor, row, count, cancellationToken))
        {
            cursor.Read(out y[kept]);
            ref readonly VBuffer<float> buffer = ref cursor.Features;
            var destination = x.AsSpan((int)(kept * d), d);
            buffer.CopyTo(destination);
            bool labelFinite = float.IsFinite(y[kept]);
            bool featuresFinite = TensorPrimitives.IsFiniteAll<float>(destination);
            if (labelFinite && featuresFinite)
            {
                if (!float.IsFinite(TensorPrimitives.SumOfSquares<float>(destination)))
                    throw TooLargeFeatures(features, destination, default, row);
                kept++;
            }
            else if (!skipNonFiniteRows)
                throw labelFinite
                    ? NonFiniteFeature(features, FirstNonFinite(destination), destination[FirstNonFinite(destination)], row)
                    : NonFiniteLabel(labelColumnName, y[kept], row);
            row++;
        }
        skippedRowCount = Skipped(row, count, kept, labelColumnName, featureColumnName);
        if (kept < row)
        {
            Array.Resize(ref x, (int)(kept * d));
            Array.Resize(ref y, (int)kept);
        }
        return new DenseDataset(x, y, d, alreadyValidated: true);
    }

    /// <summary>The density (stored nonzeros / values) below which rows are kept as CSR instead of dense: CSR costs 8 bytes a
    /// nonzero against 4 a dense value, and its gradient kernel scatters, so it pays below about a third.</summary>
    public const double SparseDensityThreshold = 1.0 / 3;

    /// <summary>The leading rows whose density decides the storage (cached and streamed alike).</summary>
    internal const int DensityProbeRows = 1024;

    /// <summary>Reads the label and feature columns of <paramref name="data"/> into the storage that suits them: CSR
    /// (<see cref="CsrDataset"/>) when the leading rows are less than <see cref="SparseDensityThreshold"/> nonzero (one-hot,
    /// hashed and text features), dense (<see cref="DenseDataset"/>) otherwise. Rows are never densified on the way to CSR.</summary>
    /// <inheritdoc cref="Read(IDataView, string, string, bool, out long, CancellationToken)"/>
    public static TrainingRows ReadRows(IDataView data, string labelColumnName, string featureColumnName, bool skipNonFiniteRows,
        out long skippedRowCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (_, features, d) = FindColumns(data.Schema, labelColumnName, featureColumnName);
        double density = ProbeDensity(data, features, d);
        return density < SparseDensityThreshold
            ? ReadSparse(data, labelColumnName, featureColumnName, skipNonFiniteRows, density, out skippedRowCount, cancellationToken)
            : Read(data, labelColumnName, featureColumnName, skipNonFiniteRows, out skippedRowCount, cancellationToken);
    }

    /// <summary>The fraction of nonzero values in the leading rows of the feature column.</summary>
    internal static double ProbeDensity(IDataView data, DataViewSchema.Column features, int d)
    {
        using var cursor = data.GetRowCursor(new[] { features });
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        VBuffer<float> buffer = default;
        long nonzeros = 0, values = 0;
        for (int row = 0; row < DensityProbeRows && cursor.MoveNext(); row++)
        {
            getFeatures(ref buffer);
            nonzeros += buffer.GetValues().Length - buffer.GetValues().Count(0f);
            values += d;
        }
        return values == 0 ? 1 : (double)nonzeros / values;
    }

    private static CsrDataset ReadSparse(IDataView data, string labelColumnName, string featureColumnName, bool skipNonFiniteRows,
        double density, out long skippedRowCount, CancellationToken cancellationToken)
    {
        var (label, features, d) = FindColumns(data.Schema, labelColumnName, featureColumnName);
        long count = data.GetRowCount() ?? CountRows(data, cancellationToken);
        if (count == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        if (count >= Array.MaxLength)
            throw new ArgumentException($"{count} rows exceed the largest array .NET can hold ({Array.MaxLength} values).", nameof(data));
        var labels = GC.AllocateUninitializedArray<float>((int)count);
        var starts = new int[count + 1];
        long capacity = Math.Clamp((long)(density * 1.1 * d * count) + 16, 16, Array.MaxLength);
        var indices = GC.AllocateUninitializedArray<int>((int)capacity);
        var values = GC.AllocateUninitializedArray<float>((int)capacity);
        using var cursor = new RowCursorReader(data, label, features, random: null);
        long row = 0;
        int kept = 0, stored = 0;
        while (NextRow(cursor, row, count, cancellationToken))
        {
            cursor.Read(out float y);
            ref readonly VBuffer<float> buffer = ref cursor.Features;
            ReadOnlySpan<float> rowValues = buffer.GetValues();
            ReadOnlySpan<int> rowIndices = buffer.IsDense ? default : buffer.GetIndices();
            if ((long)stored + rowValues.Length > indices.Length)
            {
                long grown = Math.Min(Math.Max((long)stored + rowValues.Length, indices.Length + (indices.Length >> 1)), Array.MaxLength);
                if (grown < (long)stored + rowValues.Length)
                    throw new ArgumentException(
                        $"The rows hold more than {Array.MaxLength} nonzero features, the largest array .NET can hold; train on fewer rows, or stream them (CacheData = false).",
                        nameof(data));
                Array.Resize(ref indices, (int)grown);
                Array.Resize(ref values, (int)grown);
            }
            int first = stored;
            double squares = 0;
            int bad = -1;
            for (int k = 0; k < rowValues.Length; k++)
            {
                float v = rowValues[k];
                if (v == 0)
                    continue;
                int slot = buffer.IsDense ? k : rowIndices[k];
                if (!float.IsFinite(v) && bad < 0)
                    bad = slot;
                squares += (double)v * v;
                indices[stored] = slot;
                values[stored++] = v;
            }
            bool labelFinite = float.IsFinite(y);
            if (labelFinite && bad < 0)
            {
                if (squares > float.MaxValue)
                    throw TooLargeFeatures(features, values.AsSpan(first, stored - first), indices.AsSpan(first, stored - first), row);
                labels[kept++] = y;
                starts[kept] = stored;
            }
            else
            {
                stored = first;
                if (!skipNonFiniteRows)
                    throw labelFinite
                        ? NonFiniteFeature(features, bad, rowValues[buffer.IsDense ? bad : rowIndices.IndexOf(bad)], row)
                        : NonFiniteLabel(labelColumnName, y, row);
            }
            row++;
        }
        skippedRowCount = Skipped(row, count, kept, labelColumnName, featureColumnName);
        if (kept < row)
        {
            Array.Resize(ref labels, kept);
            Array.Resize(ref starts, kept + 1);
        }
        // The arrays grew from an estimate; more than a quarter of slack is given back (one copy), so a fit holds at most 1.25× its nonzeros.
        if (indices.Length > stored + (stored >> 2) + 16)
        {
            Array.Resize(ref indices, stored);
            Array.Resize(ref values, stored);
        }
        return new CsrDataset(starts, indices, values, labels, d, alreadyValidated: true);
    }

    /// <summary>Checks that the schema has a Single label and a known-size Single vector feature column, and returns them.</summary>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type; the message lists what is there.</exception>
    public static (DataViewSchema.Column Label, DataViewSchema.Column Features, int FeatureCount) FindColumns(
        DataViewSchema schema, string labelColumnName, string featureColumnName)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var label = Find(schema, labelColumnName, "label", "LabelColumnName");
        if (label.Type != NumberDataViewType.Single)
            throw new ArgumentException(
                $"The label column '{labelColumnName}' is {label.Type}; it must be Single (float). Convert it with ml.Transforms.Conversion.ConvertType.",
                "LabelColumnName");
        var features = Find(schema, featureColumnName, "feature", "FeatureColumnName");
        if (features.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single)
            throw new ArgumentException(
                $"The feature column '{featureColumnName}' is {features.Type}; it must be a vector of Single (float). Build it with ml.Transforms.Concatenate.",
                "FeatureColumnName");
        if (size == 0)
            throw new ArgumentException(
                $"The feature column '{featureColumnName}' is a vector of variable length; it must have a known size.",
                "FeatureColumnName");
        return (label, features, size);
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role, string option)
    {
        var column = string.IsNullOrEmpty(name) ? null : schema.GetColumnOrNull(name);
        if (column is { IsHidden: false } found)
            return found;
        string available = string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}' ({c.Type})"));
        throw new ArgumentException($"The {role} column '{name}' was not found. The data has: {available}.", option);
    }

    // Moves to the next row of a copying read (row from 0): checks the token every 4096 rows and that the source does not return
    // more rows than it reported.
    private static bool NextRow(RowCursorReader cursor, long row, long count, CancellationToken cancellationToken)
    {
        if ((row & 4095) == 0)
            cancellationToken.ThrowIfCancellationRequested();
        if (!cursor.Skip())
            return false;
        if (row >= count)
            throw new InvalidOperationException($"The data returned more rows than the {count} it reported.");
        return true;
    }

    internal static long CountRows(IDataView data, CancellationToken cancellationToken)
    {
        long count = 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext())
        {
            if ((count++ & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
        }
        return count;
    }

    // Gradient descent in single precision cannot train on a row whose squared norm overflows: the stable learning rate would be
    // below 1/|x|², under the smallest normal float. Named here, where the row index is still the user's. Dense rows pass no indices.
    internal static ArgumentException TooLargeFeatures(DataViewSchema.Column features, ReadOnlySpan<float> row, ReadOnlySpan<int> indices, long rowIndex)
    {
        int k = TensorPrimitives.IndexOfMaxMagnitude(row);
        int slot = indices.IsEmpty ? k : indices[k];
        return new ArgumentException(
            $"Row {rowIndex}: feature {SlotName(features, slot)} of column '{features.Name}' is {row[k]:G3}; the features are too large for " +
            "single precision (the row's squared norm overflows). Scale or normalize the features (e.g. NormalizeMeanVariance).", "data");
    }

    /// <summary>Names a slot of a vector column: its slot name and index when the column has slot names, else the index.</summary>
    internal static string SlotName(DataViewSchema.Column features, int slot)
    {
        if (features.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            features.GetSlotNames(ref names);
            string name = names.GetItemOrDefault(slot).ToString();
            if (name.Length > 0)
                return $"'{name}' (slot {slot})";
        }
        return $"slot {slot}";
    }

    private static int FirstNonFinite(ReadOnlySpan<float> row)
    {
        int slot = 0;
        while (float.IsFinite(row[slot]))
            slot++;
        return slot;
    }

    internal static ArgumentException NonFiniteFeature(DataViewSchema.Column features, int slot, float value, long rowIndex) =>
        new($"Row {rowIndex}: feature {SlotName(features, slot)} of column '{features.Name}' is {value}; features must be finite numbers. " +
            "Remove or replace missing values first (e.g. ml.Transforms.ReplaceMissingValues), or set SkipNonFiniteRows.", "data");

    internal static ArgumentException NonFiniteLabel(string labelColumnName, float value, long rowIndex) =>
        new($"Row {rowIndex}: the label column '{labelColumnName}' is {value}; labels must be finite numbers. " +
            "Filter such rows out first, or set SkipNonFiniteRows.", "data");

    // The rows left out; the source must have returned the rows it reported, and at least one must be left.
    private static long Skipped(long rows, long reported, long kept, string labelColumnName, string featureColumnName)
    {
        if (rows != reported)
            throw new InvalidOperationException($"The data reported {reported} rows but returned {rows}.");
        if (kept == 0)
            throw new ArgumentException(
                $"Every one of the {rows} rows has a NaN or infinite label or feature in columns '{labelColumnName}' / '{featureColumnName}'; no row is left to train on.",
                "data");
        return rows - kept;
    }
}
