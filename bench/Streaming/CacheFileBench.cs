using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Streaming;

/// <summary>The cache file against the two things it replaces, side by side in one process: its first pass (ML.NET cursor + write)
/// against a bare cursor pass, and an epoch read from it (in the page cache) against an epoch over the same rows in memory.</summary>
/// <remarks>Both epochs do the same work per batch of <see cref="BatchSize"/> rows: <see cref="BatchGradient.Compute(ReadOnlySpan{float}, in RowBlock, Span{float})"/>
/// on one thread and a plain SGD step. The in-memory epoch visits its batches in <see cref="BatchOrder"/>'s order over rows
/// shuffled once, as the cached loop does; the cache epoch takes <see cref="CacheFileBatchSource"/>'s batches.</remarks>
internal static class CacheFileBench
{
    private const int BatchSize = 256;
    private const int Seed = 1;

    public static int Run(BenchOptions options)
    {
        string directory = Path.Combine(options.Directory, "mlnetgd-cachefile-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        try
        {
            foreach (int rows in options.Rows)
            {
                Dense(directory, rows, options.Features, options.Epochs);
                Sparse(directory, rows, options.Epochs);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        return 0;
    }

    private static void Dense(string directory, int rows, int features, int epochs)
    {
        string idv = Path.Combine(directory, $"train-{rows}x{features}.idv");
        string cache = Path.Combine(directory, $"train-{rows}x{features}.cache");
        var clock = Stopwatch.StartNew();
        IdvGenerator.Write(idv, rows, features, seed: 42);
        Console.WriteLine($"dense {rows:N0} x {features}: generated the .idv in {clock.Elapsed.TotalSeconds:F1} s");

        var ml = new MLContext(1);
        var data = ml.Data.LoadFromBinary(idv);
        var schema = CacheFileSchema.Create(features, isSparse: false, null);
        var bare = new List<double>();
        var written = new List<(double Append, double Commit)>();
        var durable = new List<(double Append, double Commit)>();
        for (int round = 0; round < 5; round++)
        {
            bare.Add(CursorPass.Time(data));
            written.Add(WritePass(data, cache, schema, durable: false));
            durable.Add(WritePass(data, cache, schema, durable: true));
        }
        double bareMean = bare.Average(), writeMean = written.Average(w => w.Append + w.Commit), durableMean = durable.Average(w => w.Append + w.Commit);
        string Format2(List<(double Append, double Commit)> runs) => string.Join(" / ", runs.Select(w => $"{w.Append:F2} + {w.Commit:F2}"));
        Console.WriteLine($"  first pass: bare cursor {Format(bare)} s; cursor + write (+ commit) {Format2(written)} s; with fsync {Format2(durable)} s " +
            $"({new FileInfo(cache).Length / 1e9:F2} GB)");
        double bareMin = bare.Min(), writeMin = written.Min(w => w.Append + w.Commit), durableMin = durable.Min(w => w.Append + w.Commit);
        Console.WriteLine($"  first pass: cursor + write / bare cursor, means {writeMean:F2} / {bareMean:F2} = {writeMean / bareMean:F2}x, fastest runs {writeMin:F2} / {bareMin:F2} = {writeMin / bareMin:F2}x (target <= 1.3x); " +
            $"with fsync: means {durableMean / bareMean:F2}x, fastest {durableMin / bareMin:F2}x");
        File.Delete(idv);

        using var reader = CacheFileReader.Open(cache, schema);
        var memory = ReadAll(reader);
        memory.ShuffleRows(Seed);
        Epochs($"dense {rows:N0} x {features}", memory, reader, epochs);
    }

    private static void Sparse(string directory, int rows, int epochs)
    {
        const int fields = 8, levels = 100;
        var clock = Stopwatch.StartNew();
        var memory = OneHot(rows, fields, levels);
        string cache = Path.Combine(directory, $"train-{rows}-onehot.cache");
        Console.WriteLine($"one-hot {rows:N0} rows, {fields} fields x {levels} levels (d = {fields * levels}, {fields} nonzeros a row): generated in {clock.Elapsed.TotalSeconds:F1} s");
        var schema = CacheFileSchema.Create(memory.FeatureCount, isSparse: true, null);
        clock.Restart();
        using (var writer = CacheFileWriter.Create(cache, schema, rowShuffleSeed: Seed))
        {
            writer.Append(memory.Rows());
            writer.Commit();
        }
        Console.WriteLine($"  written in {clock.Elapsed.TotalSeconds:F2} s ({new FileInfo(cache).Length / 1e9:F2} GB)");
        using var reader = CacheFileReader.Open(cache, schema);
        memory.ShuffleRows(Seed);
        Epochs($"one-hot {rows:N0}", memory, reader, epochs);
    }

    private static void Epochs(string name, TrainingRows memory, CacheFileReader reader, int epochs)
    {
        int d = memory.FeatureCount;
        var gradient = new BatchGradient(d + 1, numberOfThreads: 1);
        int batches = (memory.RowCount + BatchSize - 1) / BatchSize;
        var order = new BatchOrder(batches, memory.StoredValueCount * 8 / Math.Max(1, batches));
        var inMemory = new Measurement("in memory", d);
        var batchesShuffled = new Measurement("cache: blocks + batches (no copy)", d);
        var rowsShuffled = new Measurement("cache: blocks + rows (copy), read-ahead", d);
        var rowsInline = new Measurement("cache: blocks + rows (copy), inline", d);
        var fileOrder = new Measurement("cache: file order (no copy)", d);
        var buffered = new Measurement("cache: blocks + batches, read to buffers", d);
        using var batchesSource = new CacheFileBatchSource(reader, BatchSize, CacheFileShuffle.BlocksAndBatches, Seed, readAhead: true);
        using var rowsSource = new CacheFileBatchSource(reader, BatchSize, CacheFileShuffle.BlocksAndRows, Seed, readAhead: true);
        using var inlineSource = new CacheFileBatchSource(reader, BatchSize, CacheFileShuffle.BlocksAndRows, Seed, readAhead: false);
        using var orderSource = new CacheFileBatchSource(reader, BatchSize, CacheFileShuffle.None, Seed, readAhead: true);
        using var bufferedSource = new CacheFileBatchSource(reader, BatchSize, CacheFileShuffle.BlocksAndBatches, Seed, readAhead: true, memoryMap: false);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            inMemory.Time(() =>
            {
                foreach (int b in order.Next(shuffle: true, Seed, epoch))
                    inMemory.Step(gradient, memory.Rows(b * BatchSize, Math.Min(BatchSize, memory.RowCount - b * BatchSize)));
            });
            batchesShuffled.Time(() => FromSource(batchesSource, epoch, batchesShuffled, gradient));
            rowsShuffled.Time(() => FromSource(rowsSource, epoch, rowsShuffled, gradient));
            rowsInline.Time(() => FromSource(inlineSource, epoch, rowsInline, gradient));
            fileOrder.Time(() => FromSource(orderSource, epoch, fileOrder, gradient));
            buffered.Time(() => FromSource(bufferedSource, epoch, buffered, gradient));
        }
        foreach (var run in new[] { inMemory, batchesShuffled, rowsShuffled, rowsInline, fileOrder, buffered })
            Console.WriteLine($"  {name}: {run}");
        Console.WriteLine($"  {name}: epoch from the cache file / in memory (steady epochs): blocks + batches {batchesShuffled.Steady / inMemory.Steady:F2}x (target <= 2x); " +
            $"blocks + rows {rowsShuffled.Steady / inMemory.Steady:F2}x with read-ahead, {rowsInline.Steady / inMemory.Steady:F2}x inline; file order {fileOrder.Steady / inMemory.Steady:F2}x; " +
            $"blocks + batches read to buffers (no map) {buffered.Steady / inMemory.Steady:F2}x");
    }

    private static void FromSource(CacheFileBatchSource source, int epoch, Measurement run, BatchGradient gradient)
    {
        source.BeginEpoch(epoch);
        while (source.TryGetBatch(out var batch))
            run.Step(gradient, batch);
        source.EndEpoch(epoch);
    }

    /// <summary>One configuration's parameters, cost and epoch times.</summary>
    private sealed class Measurement(string name, int d)
    {
        private readonly float[] _parameters = new float[d + 1];
        private readonly float[] _gradient = new float[d + 1];
        private readonly List<double> _seconds = [];
        private double _cost;
        private long _rows;

        public double Steady => _seconds.Skip(1).Average();

        public void Time(Action epoch)
        {
            (_cost, _rows) = (0, 0);
            var clock = Stopwatch.StartNew();
            epoch();
            _seconds.Add(clock.Elapsed.TotalSeconds);
        }

        public void Step(BatchGradient gradient, RowBlock batch)
        {
            _cost += gradient.Compute(_parameters, batch, _gradient) * batch.RowCount;
            _rows += batch.RowCount;
            TensorPrimitives.MultiplyAdd(_gradient, -0.002f, _parameters, _parameters);
        }

        public override string ToString() =>
            $"{name,-38} epoch 1 {_seconds[0]:F3} s, epochs 2-{_seconds.Count} mean {Steady:F3} s ({Format(_seconds.Skip(1))})" +
            (_rows > 0 ? $", last epoch cost {_cost / _rows:G4}" : "");
    }

    private static string Format(IEnumerable<double> seconds) => string.Join(" / ", seconds.Select(s => s.ToString("F3")));

    /// <summary>A first pass into a fresh file (the previous one is deleted untimed: replacing a 1 GB file frees its pages, ~0.4 s here).</summary>
    private static (double Append, double Commit) WritePass(IDataView data, string path, CacheFileSchema schema, bool durable)
    {
        File.Delete(path);
        using var writer = CacheFileWriter.Create(path, schema, rowShuffleSeed: Seed, durable: durable);
        double append = CursorPass.Time(data, writer: writer);
        var clock = Stopwatch.StartNew();
        writer.Commit();
        return (append, clock.Elapsed.TotalSeconds);
    }

    private static DenseDataset ReadAll(CacheFileReader reader)
    {
        int d = reader.Schema.FeatureCount;
        var features = GC.AllocateUninitializedArray<float>(checked((int)(reader.RowCount * d)));
        var labels = new float[reader.RowCount];
        int row = 0;
        for (int k = 0; k < reader.BlockCount; k++)
        {
            var block = reader.ReadBlock(k);
            block.DenseFeatures.CopyTo(features.AsSpan(row * d));
            block.Labels.CopyTo(labels.AsSpan(row));
            row += block.RowCount;
        }
        return new DenseDataset(features, labels, d);
    }

    /// <summary>Rows of <paramref name="fields"/> uniformly drawn categories, one-hot: a label that is a sum of per-level effects plus noise.</summary>
    private static CsrDataset OneHot(int rows, int fields, int levels)
    {
        var random = new SplitMix64(42, stream: 5);
        var effects = new float[fields * levels];
        for (int j = 0; j < effects.Length; j++)
            effects[j] = (float)(4 * random.NextDouble() - 2);
        var starts = new int[rows + 1];
        var indices = new int[rows * fields];
        var values = new float[rows * fields];
        var labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            float label = (float)(random.NextDouble() - 0.5);
            for (int f = 0; f < fields; f++)
            {
                int column = f * levels + random.NextInt(levels);
                indices[i * fields + f] = column;
                values[i * fields + f] = 1f;
                label += effects[column];
            }
            labels[i] = label;
            starts[i + 1] = (i + 1) * fields;
        }
        return new CsrDataset(starts, indices, values, labels, fields * levels);
    }
}
