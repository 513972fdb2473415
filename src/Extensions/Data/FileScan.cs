using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGd.Data;

/// <summary>The reads of a data file's rows: a bounded sample that decides how each column is held, and the pass that holds and profiles
/// the columns. Every read splits fields with ML.NET's <c>TextLoader</c>.</summary>
internal static class FileScan
{
    /// <summary>The most leading rows that decide whether a column is held as numbers or as strings, and whether its numbers have a
    /// decimal comma (fewer for a wide file: <see cref="SampleCells"/>). The pass then profiles every row; a column the sample
    /// misjudged is read again.</summary>
    public const int SampleRows = 10_000;

    /// <summary>The most cells the sample reads, so its cost does not grow with the column count; it reads at least
    /// <see cref="MinSampleRows"/> rows.</summary>
    public const int SampleCells = 2_000_000;

    /// <summary>The fewest rows the sample reads (when the file has them).</summary>
    public const int MinSampleRows = 1_000;

    /// <summary>How one column is read in the pass.</summary>
    /// <param name="Skip">The column is ignored: neither read nor profiled.</param>
    /// <param name="AsNumbers">The column is held as numbers.</param>
    /// <param name="DecimalComma">Its numbers are read with a decimal comma.</param>
    /// <param name="CommasMayGroupThousands">The decimal comma was inferred, but every comma has three digits after it and at most
    /// three before (<c>12,500</c>), as a thousands separator has: the plan warns.</param>
    public readonly record struct ColumnMode(bool Skip, bool AsNumbers, bool DecimalComma, bool CommasMayGroupThousands = false);

    /// <summary>Decides each column's mode from the first <see cref="SampleRows"/> rows and the kinds the caller gives.</summary>
    public static ColumnMode[] Sample(MLContext ml, DelimitedFile file, char? decimalSeparator, ColumnOverrides? kinds)
    {
        int k = file.ColumnNames.Count;
        int sampleRows = Math.Clamp(SampleCells / k, MinSampleRows, SampleRows);
        var present = new int[k];
        var invariant = new int[k];
        var comma = new int[k];
        var commaPattern = new int[k];
        var commaCells = new int[k];
        var oneGroup = new int[k];   // 12,500: a decimal comma with three decimals, or one thousands separator
        var groups = new int[k];     // 1,234,567: thousands separators, never a decimal comma
        Read(ml, file, Enumerable.Range(0, k).ToArray(), (row, cells) =>
        {
            for (int j = 0; j < k; j++)
            {
                var cell = cells.Cell(j);
                if (NumberText.IsMissing(cell))
                    continue;
                present[j]++;
                bool hasComma = cell.Contains(',');
                invariant[j] += !hasComma && NumberText.TryParse(cell, false, out _) ? 1 : 0;
                comma[j] += !cell.Contains('.') && NumberText.TryParse(cell, true, out _) ? 1 : 0;
                commaPattern[j] += hasComma && NumberText.LooksLikeDecimalComma(cell) ? 1 : 0;
                if (hasComma)
                {
                    commaCells[j]++;
                    bool thousands = NumberText.LooksLikeThousands(cell) && cell[0] != '0';
                    bool several = cell.IndexOf(',') != cell.LastIndexOf(',');
                    oneGroup[j] += thousands && !several ? 1 : 0;
                    groups[j] += thousands && several ? 1 : 0;
                }
            }
            return row + 1 < sampleRows;
        });
        var modes = new ColumnMode[k];
        for (int j = 0; j < k; j++)
        {
            // The rule: most cells match ^-?\d+,\d+$ in a file whose separator is not a comma; none holds two commas
            // (1,234,567 groups thousands, so 12,500 beside it does too: the column is then not read as numbers, and the plan says why).
            bool inferred = decimalSeparator is null && file.Separator != ',' && commaPattern[j] * 2 > present[j] && groups[j] == 0;
            bool decimalComma = decimalSeparator == ',' || inferred;
            var given = kinds?.KindOf(file.ColumnNames[j]);
            bool numbers = given switch
            {
                ColumnKind.Numeric => true,
                ColumnKind.Categorical or ColumnKind.Text => false,
                _ => present[j] > 0 && (decimalComma ? comma[j] : invariant[j]) == present[j],
            };
            modes[j] = new ColumnMode(given == ColumnKind.Ignored, numbers, decimalComma, inferred && oneGroup[j] == commaCells[j]);
        }
        return modes;
    }

    /// <summary>Reads every row of the given columns (as text) and hands each row to <paramref name="row"/>, until it returns false.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="file">The file.</param>
    /// <param name="columns">The 0-based fields to read; <c>cells.Cell(j)</c> returns the cell of <c>columns[j]</c>. The field after the
    /// header's last may be asked for, to find rows with too many fields.</param>
    /// <param name="row">Called with the 0-based data row and its cells; returns whether to go on.</param>
    /// <returns>The rows read.</returns>
    public static int Read(MLContext ml, DelimitedFile file, int[] columns, Func<int, Cells, bool> row)
    {
        var loaderColumns = columns.Select((field, j) => new TextLoader.Column($"c{j}", DataKind.String, field)).ToArray();
        var view = ml.Data.CreateTextLoader(DelimitedFile.LoaderOptions(file.Separator, file.HasHeader, loaderColumns, file.Lines.Multiline)).Load(file.FilePath);
        using var cursor = view.GetRowCursor(view.Schema);
        var cells = new Cells(Enumerable.Range(0, columns.Length).Select(j => cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[j])).ToArray());
        int rows = 0;
        while (MoveNext(cursor, file))
        {
            bool more = row(rows, cells);
            rows = checked(rows + 1);
            if (!more)
                break;
        }
        return rows;
    }

    /// <summary>Moves the loader's cursor, turning its multi-line reader's failure on a line holding only <c>/</c> (it indexes past the
    /// line's end in ML.NET 6) into an error naming the line.</summary>
    private static bool MoveNext(DataViewRowCursor cursor, DelimitedFile file)
    {
        try
        {
            return cursor.MoveNext();
        }
        catch (FormatException e) when (e.InnerException is IndexOutOfRangeException && file.Lines.Multiline
            && file.Lines.Records(file.FilePath).FirstOrDefault(r => r.Text == "/") is { Text: not null } slash)
        {
            throw new DataFileException(file.Name, slash.Line,
                $"{file.Name}, line {slash.Line}: holds only '/', which ML.NET's TextLoader cannot read in a file whose quoted fields hold line breaks. " +
                "Remove the line, or make it a comment (a line starting with //).", e);
        }
    }

    /// <summary>The cells of the row a <see cref="Read"/> is on.</summary>
    public sealed class Cells(ValueGetter<ReadOnlyMemory<char>>[] getters)
    {
        private ReadOnlyMemory<char> _cell;

        /// <summary>Returns the cell of the <paramref name="j"/>-th column read (valid until the next call).</summary>
        public ReadOnlySpan<char> Cell(int j)
        {
            getters[j](ref _cell);
            return _cell.Span;
        }
    }
}
