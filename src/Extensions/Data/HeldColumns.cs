using System.Diagnostics;
using Microsoft.ML;

namespace MlNetGd.Data;

/// <summary>A data file's columns held in memory, and their profiles: filled by one pass over every row (<see cref="ReadAll"/>), and
/// read again, on their own, for a column the pass did not hold the way it is needed (<see cref="Reread"/>).</summary>
internal sealed class HeldColumns(DelimitedFile file)
{
    private readonly MLContext _ml = new(0);
    private readonly HashSet<int> _given = [];
    private FileScan.ColumnMode[] _modes = [];
    private int _capacity;

    /// <summary>Gets each column's profile, in file order.</summary>
    public ColumnProfile[] Profiles { get; } = file.ColumnNames.Select((n, i) => new ColumnProfile(n, i)).ToArray();

    /// <summary>Gets what each column holds, or <see langword="null"/> for a column not held.</summary>
    public StoredColumn?[] Stored { get; } = new StoredColumn?[file.ColumnNames.Count];

    /// <summary>Gets the data rows read.</summary>
    public int RowCount { get; private set; }

    public TimeSpan SampleTime { get; private set; }

    public TimeSpan ParseTime { get; private set; }

    public TimeSpan RereadTime { get; private set; }

    /// <summary>Decides how each column is held from the first rows, then holds and profiles every row in one pass; a column of
    /// numbers in which many cells turn out not to be is read again as strings.</summary>
    /// <param name="kinds">Kinds the caller gives (ignored columns are skipped, categorical and text ones held as strings), or <see langword="null"/>.</param>
    /// <param name="clock">Started when the header was read: the sample's time includes it.</param>
    /// <param name="bytePass">The time of the pass over the file's bytes (<see cref="FileBytes"/>), counted with the pass over the rows.</param>
    public void ReadAll(ColumnOverrides? kinds, Stopwatch clock, TimeSpan bytePass)
    {
        _modes = FileScan.Sample(_ml, file, file.DecimalSeparator, kinds);
        foreach (int j in Enumerable.Range(0, file.ColumnNames.Count).Where(j => kinds?.KindOf(file.ColumnNames[j]) is not null))
            _given.Add(j);
        SampleTime = clock.Elapsed;
        clock.Restart();
        _capacity = file.Lines.Count;
        var columns = Enumerable.Range(0, file.ColumnNames.Count).Where(j => !_modes[j].Skip).ToArray();
        RowCount = Scan(columns, firstPass: true);
        if (RowCount == 0)
            throw new DataFileException(file.Name, 0, $"The data file '{file.Name}' has no data rows.");
        ParseTime = clock.Elapsed + bytePass;
        // Numbers at first, many strings later: read again as strings, so the profile (distinct values, words) is exact.
        var misjudged = columns.Where(j => _modes[j].AsNumbers && !_given.Contains(j)
            && Profiles[j].NumericCount < ColumnInference.MostlyNumericShare * Profiles[j].PresentCount).ToArray();
        if (misjudged.Length > 0)
            Reread(misjudged, _ => false);
    }

    /// <summary>Reads the given columns again, each as numbers or as strings, replacing what they hold and their profiles.</summary>
    /// <exception cref="DataFileException">The file no longer has the rows it had.</exception>
    public void Reread(int[] columns, Func<int, bool> asNumbers)
    {
        var clock = Stopwatch.StartNew();
        foreach (int j in columns)
            _modes[j] = _modes[j] with { Skip = false, AsNumbers = asNumbers(j) };
        int rows = Scan(columns, firstPass: false);
        if (rows != RowCount)
            throw new DataFileException(file.Name, 0, $"'{file.Name}' changed while it was read: {RowCount} rows, then {rows}.");
        RereadTime += clock.Elapsed;
    }

    /// <summary>One pass over every row: each column's scanner profiles and holds it; the first pass also refuses a row with more
    /// fields than the header.</summary>
    private int Scan(int[] columns, bool firstPass)
    {
        int k = file.ColumnNames.Count;
        var scanners = columns.Select(j => _modes[j].AsNumbers
            ? (ColumnScanner)new NumberColumnScanner(new ColumnProfile(file.ColumnNames[j], j), _modes[j].DecimalComma, _capacity)
            : new TextColumnScanner(new ColumnProfile(file.ColumnNames[j], j), _modes[j].DecimalComma, _capacity, mayStopHolding: firstPass && !_given.Contains(j))).ToArray();
        int[] fields = firstPass ? [.. columns, k] : columns;
        int n = columns.Length;
        int rows = FileScan.Read(_ml, file, fields, (row, cells) =>
        {
            for (int i = 0; i < n; i++)
                scanners[i].Observe(cells.Cell(i), row);
            if (firstPass && cells.Cell(n) is { IsEmpty: false } extra)
                throw ExtraField(row, extra.ToString());
            return true;
        });
        for (int i = 0; i < n; i++)
        {
            Stored[columns[i]] = scanners[i].Finish(rows);
            Profiles[columns[i]] = scanners[i].Profile;
            Profiles[columns[i]].CommasMayGroupThousands = _modes[columns[i]].CommasMayGroupThousands && Profiles[columns[i]].DecimalComma;
        }
        return rows;
    }

    private DataFileException ExtraField(int row, string field)
    {
        int line = file.LineOf(row);
        return new DataFileException(file.Name, line,
            $"{file.Name}, line {line}: more fields than the {file.ColumnNames.Count} columns of the {(file.HasHeader ? "header" : "first line")} (field {file.ColumnNames.Count + 1} is '{Hints.Excerpt(field)}'). " +
            $"A field holding the separator must be quoted (\"a, b\").{Hints.ForCell(field, file.Separator)}");
    }
}
