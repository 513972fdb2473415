using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.OneWayIn;

/// <summary>A default fit of wide sparse rows holds rows out (<see cref="HoldOut"/>) and spreads its CSR batches over the threads
/// (<see cref="CsrBatchSplit"/>): the same seed gives the same model bit for bit on any thread count, from every source.</summary>
[TestClass]
public sealed class HeldOutThreadCountTests
{
    private const int Rows = 6000, Width = 20_000, Nonzeros = 16;

    [TestMethod]
    [DataRow(RowSource.Copy)]
    [DataRow(RowSource.InPlace)]
    [DataRow(RowSource.CacheFile)]
    public void WideRowsHeldOutByDefaultGiveTheSameBitsOnAnyThreadCount(RowSource source)
    {
        var data = View(new MLContext(1));
        // 5,400 training rows in 2 batches of 2,700 rows hold 43,200 nonzeros each: enough for CsrBatchSplit to offer work to helpers.
        (float[] Parameters, TrainingHistory History) Fit(int threads)
        {
            var trainer = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options
            {
                RowSource = source, BatchSize = 4096, NumberOfEpochs = 6, Seed = 7, NumberOfThreads = threads,
            });
            var model = trainer.Fit(data).Model;
            return ([.. model.Weights, model.Bias], trainer.LastHistory!);
        }

        var one = Fit(1);
        Assert.AreEqual(source, one.History.RowSource);
        Assert.IsTrue(one.History.Epochs.All(e => double.IsFinite(e.ValidationCost)), "wide data: rows held out by default");
        Assert.IsTrue(one.Parameters.All(float.IsFinite) && one.Parameters.Any(w => w != 0));
        foreach (int threads in new[] { 2, 3, 0 })
        {
            var other = Fit(threads);
            CollectionAssert.AreEqual(one.Parameters, other.Parameters, $"{source}, {threads} threads");
            CollectionAssert.AreEqual(one.History.Epochs.Select(e => e.ValidationCost).ToArray(),
                other.History.Epochs.Select(e => e.ValidationCost).ToArray(), $"{source}, {threads} threads: the same held-out costs");
        }
    }

    // Rows of distinct random columns (sorted, as ML.NET's sparse vectors are), values in [0.5, 1.5), a label linear in them plus noise.
    private static IDataView View(MLContext ml)
    {
        var random = new Random(11);
        var list = new List<Row>(Rows);
        var columns = new SortedSet<int>();
        for (int i = 0; i < Rows; i++)
        {
            columns.Clear();
            while (columns.Count < Nonzeros)
                columns.Add(random.Next(Width));
            int[] indices = [.. columns];
            float[] values = indices.Select(_ => 0.5f + (float)random.NextDouble()).ToArray();
            double y = 1 + indices.Select((j, k) => (j % 11 - 5) * 0.3 * values[k]).Sum() + random.NextDouble() * 0.1;
            list.Add(new Row { Label = (float)y, Features = new VBuffer<float>(Width, Nonzeros, values, indices) });
        }
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
        return ml.Data.LoadFromEnumerable(list, definition);
    }

    /// <summary>A sparse row as ML.NET holds it.</summary>
    public sealed class Row
    {
        public float Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }
}
