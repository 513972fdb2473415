using System.Runtime.CompilerServices;

namespace MlNetGd.Trainers.Core;

/// <summary>What a CSR batch's model does in the two phases of <see cref="CsrBatchSplit"/>.</summary>
internal interface ICsrBatchModel
{
    /// <summary>Phase 1, any thread: the residual <c>w·x + b − y</c> of one row at the parameters the batch started from.</summary>
    float Residual(ReadOnlySpan<int> columns, ReadOnlySpan<float> values, float label);

    /// <summary>Between the phases, on the calling thread: takes the batch's sums and says whether phase 2 runs.</summary>
    bool Accept(double sumResidual, double sumSquares, int rows);

    /// <summary>Phase 2, any thread: takes part <paramref name="part"/>'s contributions (<see cref="CsrBatchSplit.Segment"/>, chunk after
    /// chunk) and writes only the columns of that part.</summary>
    void Part(int part, CsrBatchSplit split);

    /// <summary>Phase 2 of a batch run on the calling thread alone: takes every row's contributions in row order
    /// (<see cref="CsrBatchSplit.Row"/>) — what the parts would add to each column, in the same order — and writes every column.</summary>
    void Rows(CsrBatchSplit split);
}

/// <summary>One CSR batch spread over a <see cref="WorkTeam"/>, with the same bits on any number of threads: phase 1 by chunks of
/// rows, phase 2 by fixed parts of the columns.</summary>
/// <remarks>
/// <para>Phase 1: each chunk of <see cref="ChunkRows"/> rows computes its rows' residuals (the model's dot product: reads only) and
/// sorts each row's contributions <c>rᵢ·xᵢⱼ</c> by the part of j, into the chunk's own stretch of one buffer. Phase 2: each of the
/// <see cref="Parts"/> parts (contiguous column ranges) takes its contributions chunk after chunk, so every column receives its
/// contributions in row order, exactly as one thread going through the rows would add them; a part writes only its own columns.
/// The residual sums are added on the calling thread in row order. The parts are fixed, never the thread count, so whatever adds
/// across parts (<see cref="LazySparseSgd"/>'s bias sum) does so in part order on every machine.</para>
/// <para>A per-chunk gradient of d values (the dense rows' way) would cost more to clear and add than a chunk's nonzeros; the sort
/// costs one more write and read of the batch's nonzeros, in cache. A batch too small to share (<see cref="MinParallelNonzeros"/>) skips
/// the sort: the model takes its rows in order on the calling thread (<see cref="ICsrBatchModel.Rows"/>), each column's contributions
/// in the same order. Buffers grow to the largest batch and then nothing is allocated.</para>
/// </remarks>
internal sealed unsafe class CsrBatchSplit : ITeamWork
{
    /// <summary>The number of column parts of phase 2.</summary>
    public const int Parts = 16;

    /// <summary>The rows per chunk of phase 1.</summary>
    public const int ChunkRows = 32;

    /// <summary>The fewest nonzeros in a batch for helpers to be offered its units: about the work of the dense rule's 2,048 rows
    /// (<see cref="BatchGradient.DefaultMinParallelRows"/>); smaller batches, the one-hot default among them, were slower on helpers
    /// (bench/Sparse/RESULTS.md).</summary>
    public const int MinParallelNonzeros = 32768;

    private readonly ulong _partScale;
    private readonly int _minParallelNonzeros;
    private readonly Buffers _buffers = new();
    private ICsrBatchModel? _model;
    private int* _starts, _ends, _indices;
    private float* _values, _labels;
    private int _rows, _chunks;
    private bool _secondPhase;

    /// <summary>Creates the split for rows of <paramref name="featureCount"/> columns.</summary>
    /// <param name="featureCount">d.</param>
    /// <param name="minParallelNonzeros">The fewest nonzeros a batch needs to be split (by default <see cref="MinParallelNonzeros"/>);
    /// smaller ones run on the calling thread, row by row (<see cref="ICsrBatchModel.Rows"/>), with the same bits.</param>
    public CsrBatchSplit(int featureCount, int minParallelNonzeros = MinParallelNonzeros)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        _minParallelNonzeros = minParallelNonzeros;
        _partScale = (((ulong)Parts << 32) + (ulong)featureCount - 1) / (ulong)featureCount; // ⌈Parts·2³²/d⌉: part(j) < Parts for j < d
    }

    /// <summary>Runs both phases of <paramref name="model"/> over <paramref name="batch"/>, on the team's helpers too when the batch
    /// is large enough; returns the residual sums <c>(Σ rᵢ, Σ rᵢ²)</c> in row order.</summary>
    public (double SumResidual, double SumSquares) Run(WorkTeam team, in RowBlock batch, ICsrBatchModel model)
    {
        int rows = batch.RowCount;
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        var buffers = _buffers;
        int total = buffers.Plan(batch.RowStarts, batch.RowEnds, chunks, ChunkRows);
        bool parallel = total >= _minParallelNonzeros;
        double sumResidual = 0, sumSquares = 0;
        fixed (int* starts = batch.RowStarts, ends = batch.RowEnds, indices = batch.Indices)
        fixed (float* values = batch.Values, labels = batch.Labels)
        {
            (_model, _rows, _chunks, _secondPhase) = (model, rows, chunks, false);
            _starts = starts;
            _ends = ends;
            _indices = indices;
            _values = values;
            _labels = labels;
            try
            {
                if (parallel)
                    team.Run(this, chunks, parallel: true);
                else
                    Residuals(); // one thread: nothing to sort by part, the model takes the rows in order
                float[] residuals = buffers.Residuals;
                for (int i = 0; i < rows; i++)
                {
                    sumResidual += residuals[i];
                    sumSquares += (double)residuals[i] * residuals[i];
                }
                if (model.Accept(sumResidual, sumSquares, rows))
                {
                    _secondPhase = true;
                    if (parallel)
                        team.Run(this, Parts, parallel: true);
                    else
                        model.Rows(this);
                }
            }
            finally
            {
                _model = null;
                _starts = _ends = _indices = null;
                _values = _labels = null;
            }
        }
        return (sumResidual, sumSquares);
    }

    /// <summary>Returns the contributions of part <paramref name="part"/> from chunk <paramref name="chunk"/>, in row order: their
    /// columns and their values <c>rᵢ·xᵢⱼ</c>.</summary>
    public void Segment(int chunk, int part, out ReadOnlySpan<int> columns, out ReadOnlySpan<float> contributions)
    {
        int start = _buffers.PartStarts[chunk * Parts + part], end = _buffers.PartStarts[chunk * Parts + part + 1];
        columns = _buffers.Columns.AsSpan(start, end - start);
        contributions = _buffers.Contributions.AsSpan(start, end - start);
    }

    /// <summary>Gets the number of chunks of the batch in flight.</summary>
    public int ChunkCount => _chunks;

    /// <summary>Gets the number of rows of the batch being run.</summary>
    public int RowCount => _rows;

    /// <summary>Gives row <paramref name="row"/> of the batch being run: its columns, its values and its residual (phase 1's).</summary>
    public float Row(int row, out ReadOnlySpan<int> columns, out ReadOnlySpan<float> values)
    {
        int start = _starts[row], length = _ends[row] - start;
        columns = new ReadOnlySpan<int>(_indices + start, length);
        values = new ReadOnlySpan<float>(_values + start, length);
        return _buffers.Residuals[row];
    }

    /// <summary>Returns the part of column <paramref name="column"/>: contiguous ranges of about d/<see cref="Parts"/> columns.</summary>
    public int PartOf(int column) => (int)(((ulong)(uint)column * _partScale) >> 32);

    /// <inheritdoc/>
    public void Run(int unit)
    {
        if (_secondPhase)
            _model!.Part(unit, this);
        else
            Sort(unit);
    }

    // Phase 1 on one thread: the residuals alone.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Residuals()
    {
        float[] residuals = _buffers.Residuals;
        for (int i = 0; i < _rows; i++)
        {
            int start = _starts[i], length = _ends[i] - start;
            residuals[i] = _model!.Residual(new ReadOnlySpan<int>(_indices + start, length), new ReadOnlySpan<float>(_values + start, length), _labels[i]);
        }
    }

    // Phase 1 for one chunk: residuals, then the chunk's contributions counted and placed by part.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Sort(int chunk)
    {
        var buffers = _buffers;
        float[] residuals = buffers.Residuals;
        int first = chunk * ChunkRows, last = Math.Min(first + ChunkRows, _rows);
        Span<int> cursor = stackalloc int[Parts];
        cursor.Clear();
        for (int i = first; i < last; i++)
        {
            int start = _starts[i], length = _ends[i] - start;
            var columns = new ReadOnlySpan<int>(_indices + start, length);
            residuals[i] = _model!.Residual(columns, new ReadOnlySpan<float>(_values + start, length), _labels[i]);
            foreach (int j in columns)
                cursor[PartOf(j)]++;
        }
        int position = buffers.ChunkStarts[chunk];
        int[] partStarts = buffers.PartStarts;
        for (int q = 0; q < Parts; q++)
        {
            partStarts[chunk * Parts + q] = position;
            (cursor[q], position) = (position, position + cursor[q]);
        }
        int[] placedColumns = buffers.Columns;
        float[] placed = buffers.Contributions;
        for (int i = first; i < last; i++)
        {
            float r = residuals[i];
            for (int k = _starts[i]; k < _ends[i]; k++)
            {
                int j = _indices[k], at = cursor[PartOf(j)]++;
                placedColumns[at] = j;
                placed[at] = r * _values[k];
            }
        }
    }

    /// <summary>The split's arrays, grown to the largest batch seen.</summary>
    private sealed class Buffers
    {
        public float[] Residuals { get; private set; } = [];

        public int[] ChunkStarts { get; private set; } = [];

        public int[] PartStarts { get; private set; } = [];

        public int[] Columns { get; private set; } = [];

        public float[] Contributions { get; private set; } = [];

        // Sizes the buffers and sets where each chunk's contributions start; returns the batch's nonzeros.
        public int Plan(ReadOnlySpan<int> rowStarts, ReadOnlySpan<int> rowEnds, int chunks, int chunkRows)
        {
            int rows = rowStarts.Length;
            if (Residuals.Length < rows)
                Residuals = new float[rows];
            if (ChunkStarts.Length < chunks + 1)
            {
                ChunkStarts = new int[chunks + 1];
                PartStarts = new int[chunks * Parts + 1];
            }
            int total = 0;
            for (int i = 0; i < rows; i++)
            {
                if (i % chunkRows == 0)
                    ChunkStarts[i / chunkRows] = total;
                total += rowEnds[i] - rowStarts[i];
            }
            ChunkStarts[chunks] = total;
            PartStarts[chunks * Parts] = total;
            if (Columns.Length < total)
            {
                Columns = new int[total];
                Contributions = new float[total];
            }
            return total;
        }
    }
}
