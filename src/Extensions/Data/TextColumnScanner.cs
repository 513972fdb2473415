using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MlNetGd.Data;

/// <summary>Reads a column of strings: each distinct text is kept once (with its facts, worked out once) and each cell is held as the
/// index of its text, so the profile and the values come from one pass at a dictionary lookup a cell.</summary>
/// <remarks>A column whose values are nearly all different (an identifier) would keep the whole column's text: above
/// <see cref="MaxLevelsHeld"/> distinct values, when at least <see cref="ColumnInference.NearlyDistinctShare"/> of the cells so far are
/// distinct, it is counted by a 64-bit hash of each value instead and not held (<paramref name="mayStopHolding"/>). Such a column is
/// dropped as an identifier unless its later values repeat; if it is used after all, <see cref="DelimitedFile"/> reads it again.</remarks>
internal sealed class TextColumnScanner(ColumnProfile profile, bool decimalComma, int capacity, bool mayStopHolding) : ColumnScanner(profile)
{
    /// <summary>The most distinct values held for a column whose values are nearly all different.</summary>
    public const int MaxLevelsHeld = 100_000;

    private const int MaxDateChecks = 1000;
    private readonly ProfileTally _tally = new(profile);
    private readonly List<string> _samples = [];
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup = NewIndex();
    private List<string> _levels = [];
    private List<CellFacts> _facts = [];
    private List<int> _firstRows = [];
    private int[] _counts = new int[16];
    private CodeArray _codes = new(capacity);
    private HashSet<ulong>? _hashes;
    private int _dateChecks;

    public override void Observe(ReadOnlySpan<char> cell, int row)
    {
        if (_hashes is not null)
        {
            ObserveHashed(cell, row);
            return;
        }
        if (!_lookup.TryGetValue(cell, out int code))
            code = AddLevel(cell, row);
        _counts[code]++;
        _codes.Set(row, code);
        if (mayStopHolding && _levels.Count > MaxLevelsHeld && code == _levels.Count - 1 && _levels.Count >= ColumnInference.NearlyDistinctShare * (row + 1))
            StopHolding();
    }

    public override StoredColumn? Finish(int rows)
    {
        Profile.DecimalComma = decimalComma;
        if (_hashes is not null)
        {
            _tally.Finish(_hashes.Count, false, _samples);
            return null;
        }
        var levelNumbers = new float[_levels.Count];
        int distinct = 0;
        for (int i = 0; i < _levels.Count; i++)
        {
            AddToTally(i);
            distinct += _facts[i].Missing ? 0 : 1;
            levelNumbers[i] = _facts[i].Numeric ? _facts[i].Value : float.NaN;
        }
        _tally.Finish(distinct, false, _samples);
        return StoredColumn.OfTexts(_codes, [.. _levels], levelNumbers);
    }

    private int AddLevel(ReadOnlySpan<char> cell, int row)
    {
        var facts = Facts(cell, isNew: true);
        string text = cell.ToString();
        int code = _levels.Count;
        _lookup.Dictionary.Add(text, code);
        _levels.Add(text);
        _facts.Add(facts);
        _firstRows.Add(row);
        EnsureCapacity(ref _counts, code);
        return code;
    }

    private CellFacts Facts(ReadOnlySpan<char> cell, bool isNew)
    {
        var facts = CellFacts.Of(cell, decimalComma, isNew && _dateChecks < MaxDateChecks);
        _dateChecks += facts.Date is null ? 0 : 1;
        return facts;
    }

    private void AddToTally(int level)
    {
        _tally.Add(_facts[level], _counts[level], _firstRows[level], _levels[level]);
        if (!_facts[level].Missing && _samples.Count < ColumnProfile.MaxSamples)
            _samples.Add(_levels[level]);
    }

    /// <summary>From here on, counts the column's distinct values by hash and holds none of them.</summary>
    private void StopHolding()
    {
        _hashes = new HashSet<ulong>(2 * _levels.Count);
        for (int i = 0; i < _levels.Count; i++)
        {
            AddToTally(i);
            if (!_facts[i].Missing)
                _hashes.Add(Hash(_levels[i]));
        }
        (_lookup, _levels, _facts, _firstRows, _counts, _codes) = (default, [], [], [], [], new(0));
    }

    private void ObserveHashed(ReadOnlySpan<char> cell, int row)
    {
        if (NumberText.IsMissing(cell))
        {
            _tally.AddMissing(1);
            return;
        }
        bool isNew = _hashes!.Add(Hash(cell));
        _tally.Add(Facts(cell, isNew), 1, row, cell);
        if (isNew && _samples.Count < ColumnProfile.MaxSamples)
            _samples.Add(cell.ToString());
    }

    private static Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> NewIndex() =>
        new Dictionary<string, int>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static ulong Hash(ReadOnlySpan<char> text) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text));
}
