using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Trainers;

/// <summary>Reads the label and feature columns of an <see cref="IDataView"/> into memory in one pass, every row checked
/// (<see cref="DataViewRowPass"/>): dense rows, or CSR for sparse one-hot, hashed and text features (never densified).</summary>
/// <remarks>The label must be a <see cref="float"/> (Single) column and the features a known-size vector of Single. A source that
/// does not know its row count is read once all the same: the arrays grow as it is read (<see cref="TrainingRowsBuilder"/>).</remarks>
public static class DataViewReader
{
    /// <summary>Reads the label and feature columns of <paramref name="data"/> as dense rows.</summary>
    /// <param name="data">The data.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="cancellationToken">Checked every 4096 rows.</param>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, there are no rows, or a row fails
    /// <see cref="RowCheck"/>. The message names the column and, for values, the row.</exception>
    public static DenseDataset Read(IDataView data, string labelColumnName, string featureColumnName, CancellationToken cancellationToken = default) =>
        Read(data, labelColumnName, featureColumnName, skipNonFiniteRows: false, out _, cancellationToken);

    /// <summary>Reads the label and feature columns of <paramref name="data"/> as dense rows, optionally leaving out rows with a NaN
    /// or infinite value.</summary>
    /// <param name="data">The data.</param>
    /// <param name="labelColumnName">The label column (Single).</param>
    /// <param name="featureColumnName">The feature column (known-size vector of Single).</param>
    /// <param name="skipNonFiniteRows">Whether a row whose label or a feature is NaN or infinite is left out (counted in
    /// <paramref name="skippedRowCount"/>) instead of being an error.</param>
    /// <param name="skippedRowCount">Receives the number of rows left out (0 unless <paramref name="skipNonFiniteRows"/>).</param>
    /// <param name="cancellationToken">Checked every 4096 rows.</param>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, there are no rows (or none left after skipping),
    /// or a row fails <see cref="RowCheck"/>. The message names the column and, for values, the row.</exception>
    public static DenseDataset Read(IDataView data, string labelColumnName, string featureColumnName, bool skipNonFiniteRows,
        out long skippedRowCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var columns = DataViewColumns.Find(data.Schema, labelColumnName, featureColumnName);
        return (DenseDataset)ReadRows(data, columns, skipNonFiniteRows, (false, 1), out skippedRowCount, cancellationToken);
    }

    /// <summary>Reads the label and feature columns of <paramref name="data"/> into the storage that suits them: CSR
    /// (<see cref="CsrDataset"/>) when the leading rows are less than <see cref="RowStorage.SparseDensityThreshold"/> nonzero (one-hot,
    /// hashed and text features), dense (<see cref="DenseDataset"/>) otherwise (<see cref="RowStorage"/>).</summary>
    /// <inheritdoc cref="Read(IDataView, string, string, bool, out long, CancellationToken)"/>
    public static TrainingRows ReadRows(IDataView data, string labelColumnName, string featureColumnName, bool skipNonFiniteRows,
        out long skippedRowCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var columns = DataViewColumns.Find(data.Schema, labelColumnName, featureColumnName);
        return ReadRows(data, columns, skipNonFiniteRows, null, out skippedRowCount, cancellationToken);
    }

    /// <summary>The one read of a copy: one pass (rows checked, non-finite ones skipped if asked), the storage decided from the
    /// leading rows unless <paramref name="storage"/> gives it.</summary>
    internal static TrainingRows ReadRows(IDataView data, DataViewColumns columns, bool skipNonFiniteRows, (bool Sparse, double Density)? storage,
        out long skippedRowCount, CancellationToken cancellationToken)
    {
        long? count = data.GetRowCount();
        int d = columns.FeatureCount;
        TrainingRowsBuilder? builder = null;
        var intake = new RowIntake(d, (sparse, density) => builder = new TrainingRowsBuilder(d, sparse, density, count), storage);
        skippedRowCount = ReadOnce(data, columns, skipNonFiniteRows, intake, cancellationToken);
        return builder!.Build();
    }

    /// <summary>The one pass over a source read once (into a copy or a cache file): every row through the checked reader into
    /// <paramref name="intake"/>, which is finished. Returns how many rows were skipped for a non-finite value.</summary>
    /// <exception cref="ArgumentException">There are no rows, none is left after skipping, or a row fails <see cref="RowCheck"/>.</exception>
    /// <exception cref="InvalidOperationException">The source returned another number of rows than it reported.</exception>
    internal static long ReadOnce(IDataView data, DataViewColumns columns, bool skipNonFiniteRows, RowIntake intake, CancellationToken cancellationToken)
    {
        long? count = data.GetRowCount();
        using var pass = new DataViewRowPass(data, columns, count ?? -1, skipNonFiniteRows);
        intake.AddAll(pass, cancellationToken);
        long skipped = pass.Skipped;
        if (intake.RowCount == 0 && skipped > 0)
            throw new ArgumentException(
                $"Every one of the {skipped} rows has a NaN or infinite label or feature in columns '{columns.Label.Name}' / '{columns.Features.Name}'; no row is left to train on.",
                "data");
        intake.Finish();
        if (count is long reported && intake.RowCount + skipped != reported)
            throw new InvalidOperationException($"The data reported {reported} rows but returned {intake.RowCount + skipped}.");
        return skipped;
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

    /// <summary>Counts the rows of a source that does not report its count (filling ML.NET's cache, when it is one).</summary>
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
}
