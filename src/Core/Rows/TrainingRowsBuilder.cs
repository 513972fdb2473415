using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>Builds the in-memory copy of a fit's rows as they are read, dense (<see cref="DenseDataset"/>) or CSR
/// (<see cref="CsrDataset"/>, never densified): at its exact size when the row count is known, else growing.</summary>
/// <remarks>A source that does not know its row count is read once and the arrays grow (by half) as it goes, instead of a counting
/// pass, which for a text file is a whole parse. Then the dense arrays are trimmed to their exact size (one copy), and CSR arrays
/// with more than a quarter of slack, so a fit holds at most 1.25× its nonzeros.</remarks>
internal sealed class TrainingRowsBuilder : IRowSink
{
    private const int InitialRows = 1024;

    private readonly int _featureCount;
    private readonly bool _sparse;
    private float[] _labels;
    private float[] _dense = [];
    private int[] _starts = [];
    private int[] _indices = [];
    private float[] _values = [];
    private int _rows;
    private long _stored;

    /// <summary>Starts a copy of rows of <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">d.</param>
    /// <param name="sparse">Whether the rows are kept as CSR.</param>
    /// <param name="density">The fraction of nonzero values expected (sizes the CSR arrays).</param>
    /// <param name="expectedRows">The number of rows the source reports, or <see langword="null"/> when it does not know.</param>
    /// <exception cref="ArgumentException">The rows would not fit in .NET's largest array.</exception>
    public TrainingRowsBuilder(int featureCount, bool sparse, double density, long? expectedRows)
    {
        _featureCount = featureCount;
        _sparse = sparse;
        long rows = expectedRows ?? InitialRows;
        if (rows >= Array.MaxLength || (!sparse && rows * featureCount > Array.MaxLength))
            throw TooMany(rows);
        _labels = GC.AllocateUninitializedArray<float>((int)Math.Max(rows, 1));
        if (sparse)
        {
            _starts = new int[_labels.Length + 1];
            long capacity = Math.Clamp((long)(density * 1.1 * featureCount * rows) + 16, 16, Array.MaxLength);
            _indices = GC.AllocateUninitializedArray<int>((int)capacity);
            _values = GC.AllocateUninitializedArray<float>((int)capacity);
        }
        else
        {
            _dense = GC.AllocateUninitializedArray<float>(_labels.Length * featureCount);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        int d = _featureCount;
        if (_rows == _labels.Length)
            GrowRows();
        _labels[_rows] = label;
        if (!_sparse)
        {
            RowCopy.ToDense(indices, values, _dense.AsSpan(_rows * d, d));
            _rows++;
            return;
        }
        if (_stored + values.Length > _indices.Length)
            GrowValues(_stored + values.Length);
        int stored = RowCopy.AppendNonzeros(indices, values, _indices, _values, (int)_stored);
        _stored = stored;
        _starts[++_rows] = stored;
    }

    /// <summary>Returns the rows read (the arrays are handed over: the builder must not be used afterwards).</summary>
    public TrainingRows Build()
    {
        int n = _rows;
        if (!_sparse)
        {
            if (_labels.Length != n) // a dense dataset is exactly n × d
            {
                Array.Resize(ref _labels, n);
                Array.Resize(ref _dense, n * _featureCount);
            }
            return new DenseDataset(_dense, _labels, _featureCount, alreadyValidated: true);
        }
        if (_labels.Length != n)
        {
            Array.Resize(ref _labels, n);
            Array.Resize(ref _starts, n + 1);
        }
        if (_indices.Length > _stored + (_stored >> 2) + 16)
        {
            Array.Resize(ref _indices, (int)_stored);
            Array.Resize(ref _values, (int)_stored);
        }
        return new CsrDataset(_starts, _indices, _values, _labels, _featureCount, alreadyValidated: true);
    }

    private void GrowRows()
    {
        long rows = Math.Min(_labels.Length + (long)(_labels.Length >> 1) + 1, Array.MaxLength - 1);
        if (rows <= _labels.Length || (!_sparse && rows * _featureCount > Array.MaxLength))
            throw TooMany(_labels.Length + 1L);
        Array.Resize(ref _labels, (int)rows);
        if (_sparse)
            Array.Resize(ref _starts, (int)rows + 1);
        else
            Array.Resize(ref _dense, (int)rows * _featureCount);
    }

    private void GrowValues(long needed)
    {
        long grown = Math.Min(Math.Max(needed, _indices.Length + (long)(_indices.Length >> 1)), Array.MaxLength);
        if (grown < needed)
            throw new ArgumentException(
                $"The rows hold more than {Array.MaxLength} nonzero features, the largest array .NET can hold; train from a cache file " +
                "(RowSource = CacheFile), whose memory does not grow with the rows.", "data");
        Array.Resize(ref _indices, (int)grown);
        Array.Resize(ref _values, (int)grown);
    }

    private ArgumentException TooMany(long rows) => new(
        $"{rows} rows x {_featureCount} features exceed the largest array .NET can hold ({Array.MaxLength} values); train from a cache " +
        "file (RowSource = CacheFile), whose memory does not grow with the rows.", "data");
}
