using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Tests.Sparse;
using MlNetGd.Tests.Streaming;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.InPlace;

/// <summary>Training on an in-memory IDataView in place (one cursor pass per epoch, no copy): the same model as the copy where the
/// batches are the same, accurate where they are not, deterministic, chosen by the data and never by the clock, and its errors.</summary>
[TestClass]
public sealed class InPlaceTrainingTests
{
    public delegate GradientDescentRegressionTrainer.Options Configure(GradientDescentRegressionTrainer.Options options);

    private const int D = StreamingData.FeatureCount;

    private static (float[] Weights, float Bias, TrainingHistory History) Fit(IDataView data, Configure set)
    {
        var options = set(new GradientDescentRegressionTrainer.Options { Seed = 7 });
        var trainer = new GradientDescentRegressionTrainer(options);
        var model = trainer.Fit(data).Model;
        return (model.Weights.ToArray(), model.Bias, trainer.LastHistory!);
    }

    private static IDataView Cached(MLContext ml, SyntheticRegression data) => StreamingData.Shuffleable(ml, StreamingData.Rows(data));

    [TestMethod]
    public void WithoutShufflingInPlaceGivesTheCopysModelBitForBit()
    {
        // Up to 16384 rows both paths standardize and estimate the rate on the same rows, and unshuffled their batches are the same.
        var ml = new MLContext(1);
        var data = Cached(ml, StreamingData.Generate(rows: 9000, seed: 3));
        foreach (int batch in new[] { 1, 32, 256, 10000 })
        {
            var copy = Fit(data, o => o with { Shuffle = false, BatchSize = batch, RowSource = RowSource.Copy });
            var inPlace = Fit(data, o => o with { Shuffle = false, BatchSize = batch, RowSource = RowSource.InPlace });
            Assert.AreEqual(RowSource.Copy, copy.History.RowSource);
            Assert.AreEqual(RowSource.InPlace, inPlace.History.RowSource);
            CollectionAssert.AreEqual(copy.Weights, inPlace.Weights, $"batch {batch}");
            Assert.AreEqual(copy.Bias, inPlace.Bias, $"batch {batch}");
            Assert.AreEqual(copy.History.EpochCount, inPlace.History.EpochCount);
        }
    }

    public static IEnumerable<object[]> OptionSets()
    {
        yield return ["momentum", (Configure)(o => o with { Optimizer = OptimizerKind.Momentum })];
        yield return ["nesterov", (Configure)(o => o with { Optimizer = OptimizerKind.Nesterov })];
        yield return ["adam", (Configure)(o => o with { Optimizer = OptimizerKind.Adam })];
        yield return ["l1 + l2", (Configure)(o => o with { L1Regularization = 0.01f, L2Regularization = 0.01f })];
        yield return ["cosine", (Configure)(o => o with { Schedule = LearningRateSchedule.Cosine })];
        yield return ["not averaged, raw", (Configure)(o => o with { Averaged = false, StandardizeFeatures = false })];
        yield return ["given rate, 2 threads", (Configure)(o => o with { LearningRate = 0.01f, NumberOfThreads = 2 })];
    }

    [TestMethod]
    [DynamicData(nameof(OptionSets))]
    public void WithoutShufflingInPlaceGivesTheCopysModelForEveryOptimizer(string name, Configure set)
    {
        var ml = new MLContext(1);
        var data = Cached(ml, StreamingData.Generate(rows: 5000, seed: 11));
        var copy = Fit(data, o => set(o) with { Shuffle = false, NumberOfEpochs = 12, RowSource = RowSource.Copy });
        var inPlace = Fit(data, o => set(o) with { Shuffle = false, NumberOfEpochs = 12, RowSource = RowSource.InPlace });
        Assert.AreEqual(RowSource.InPlace, inPlace.History.RowSource);
        CollectionAssert.AreEqual(copy.Weights, inPlace.Weights, name);
        Assert.AreEqual(copy.Bias, inPlace.Bias, name);
        Assert.AreEqual(copy.History.EpochCount, inPlace.History.EpochCount, name);
    }

    [TestMethod]
    public void WithoutShufflingInPlaceGivesTheCopysModelOnOneHotRows()
    {
        var ml = new MLContext(1);
        var table = SparseData.View(ml, SparseData.Table(6000, seed: 2));
        var features = ml.Transforms.Categorical.OneHotEncoding([new("Shop"), new("City")])
            .Append(ml.Transforms.Concatenate("Features", "Shop", "City", "Amount"))
            .AppendCacheCheckpoint(ml);
        var data = features.Fit(table).Transform(table);
        var copy = Fit(data, o => o with { Shuffle = false, RowSource = RowSource.Copy });
        var inPlace = Fit(data, o => o with { Shuffle = false, RowSource = RowSource.InPlace });
        Assert.AreEqual(RowSource.InPlace, inPlace.History.RowSource);
        CollectionAssert.AreEqual(copy.Weights, inPlace.Weights);
        Assert.AreEqual(copy.Bias, inPlace.Bias);
    }

    [TestMethod]
    public void ShuffledInPlaceFitReachesTheOptimumAndIsDeterministic()
    {
        var ml = new MLContext(1);
        var generated = StreamingData.Generate(rows: 60000, seed: 4);
        var data = Cached(ml, generated);
        var first = Fit(data, o => o with { RowSource = RowSource.InPlace });
        var second = Fit(data, o => o with { RowSource = RowSource.InPlace, NumberOfThreads = 1 });
        Assert.AreEqual(RowSource.InPlace, first.History.RowSource);
        CollectionAssert.AreEqual(first.Weights, second.Weights, "the same seed gives the same model on any thread count");
        Assert.AreEqual(first.Bias, second.Bias);

        var rows = new DenseDataset(generated.Features, generated.Labels, D);
        var optimum = LeastSquaresSolver.Solve(rows);
        double best = LeastSquaresSolver.MeanSquaredError(rows, optimum.Weights!, optimum.Bias);
        double ours = LeastSquaresSolver.MeanSquaredError(rows, Array.ConvertAll(first.Weights, w => (double)w), first.Bias);
        Assert.IsTrue(ours <= best * 1.001, $"in place: training MSE {ours:G6} against the optimum's {best:G6}");

        var otherSeed = Fit(data, o => o with { RowSource = RowSource.InPlace, Seed = 8 });
        CollectionAssert.AreNotEqual(first.Weights, otherSeed.Weights, "the seed shuffles the blocks");
    }

    [TestMethod]
    public void TheTrainerChoosesInPlaceOnlyForLargeInMemoryRowsInNoParticularOrder()
    {
        var ml = new MLContext(1);
        // 270,000 rows x 64 features: a copy of 70 MB, above the 64 MB the choice starts at.
        var generated = SyntheticRegression.Generate(270_000, 64, seed: 5, noise: 0.5f);
        var shuffled = BigView(ml, generated, sortByLabel: false);
        Assert.AreEqual(RowSource.InPlace, Fit(shuffled, o => o).History.RowSource, "a large cached view in random order");
        Assert.AreEqual(RowSource.InPlace, Fit(shuffled, o => o with { ValidationFraction = 0.1 }).History.RowSource, "held-out rows are passed over in place");
        Assert.AreEqual(RowSource.Copy, Fit(shuffled, o => o with { Optimizer = OptimizerKind.Adam, NumberOfEpochs = 3 }).History.RowSource,
            "Adam runs many epochs, where the copy's faster epochs win");
        Assert.AreEqual(RowSource.Copy, Fit(shuffled, o => o with { Tolerance = 0, NumberOfEpochs = 9 }).History.RowSource, "nine fixed epochs");
        Assert.AreEqual(RowSource.InPlace, Fit(shuffled, o => o with { Tolerance = 0, NumberOfEpochs = 3 }).History.RowSource, "three fixed epochs");
        Assert.AreEqual(RowSource.Copy, Fit(BigView(ml, generated, sortByLabel: true), o => o).History.RowSource, "rows sorted by the label");

        var normalized = ml.Transforms.NormalizeMinMax("Features").Fit(shuffled).Transform(shuffled);
        Assert.IsTrue(normalized.CanShuffle);
        Assert.AreEqual(RowSource.Copy, Fit(normalized, o => o).History.RowSource, "a transform recomputes its columns every pass");
        Assert.AreEqual(RowSource.InPlace, Fit(normalized, o => o with { RowSource = RowSource.InPlace }).History.RowSource, "unless asked");

        var small = Cached(ml, StreamingData.Generate(rows: 9000, seed: 3));
        Assert.AreEqual(RowSource.Copy, Fit(small, o => o).History.RowSource, "small data: the copy costs less than it saves");
        var notInMemory = StreamingData.NotShuffleable(ml, StreamingData.Rows(StreamingData.Generate(rows: 9000, seed: 3)));
        Assert.AreEqual(RowSource.Copy, Fit(notInMemory, o => o with { RowSource = RowSource.Auto }).History.RowSource, "a source that cannot shuffle");
    }

    [TestMethod]
    public void ANonFiniteValueNamesTheSourcesRowAndTheModelIsRestored()
    {
        var ml = new MLContext(1);
        var rows = StreamingData.Rows(StreamingData.Generate(rows: 30000, seed: 6));
        rows[23456].Features[2] = float.NaN;
        var data = StreamingData.Shuffleable(ml, rows);
        var error = Assert.ThrowsExactly<ArgumentException>(() => Fit(data, o => o with { RowSource = RowSource.InPlace }));
        StringAssert.Contains(error.Message, "Row 23456");
        StringAssert.Contains(error.Message, "slot 2");
        StringAssert.Contains(error.Message, "'Features'");

        rows[23456].Features[2] = 1;
        rows[29999].Label = float.PositiveInfinity;
        var label = Assert.ThrowsExactly<ArgumentException>(() => Fit(StreamingData.Shuffleable(ml, rows), o => o with { RowSource = RowSource.InPlace }));
        StringAssert.Contains(label.Message, "Row 29999");
        StringAssert.Contains(label.Message, "'Label'");
    }

    [TestMethod]
    public void AFailingSurveyLeavesNoReadAheadThreadBehind()
    {
        // Linux names threads in /proc (15 characters): "MlNetGd in-place read-ahead" is "MlNetGd in-plac".
        if (!Directory.Exists("/proc/self/task"))
            Assert.Inconclusive("Counts threads by name through /proc (Linux).");
        static int ReadAheadThreads() => Directory.GetDirectories("/proc/self/task")
            .Count(t => File.Exists(Path.Combine(t, "comm")) && File.ReadAllText(Path.Combine(t, "comm")).StartsWith("MlNetGd in-plac", StringComparison.Ordinal));
        var ml = new MLContext(1);
        // Rows enough for several blocks (a reader thread); a NaN in the survey's last sampled row (⌊16383 · 100000 / 16384⌋), far
        // past the rows the storage probe reads.
        var rows = StreamingData.Rows(StreamingData.Generate(rows: 100_000, seed: 6));
        rows[99993].Features[1] = float.NaN;
        int before = ReadAheadThreads();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var error = Assert.ThrowsExactly<ArgumentException>(() => Fit(StreamingData.Shuffleable(ml, rows), o => o with { RowSource = RowSource.InPlace }));
            StringAssert.Contains(error.Message, "Row 99993");
        }
        for (int wait = 0; wait < 100 && ReadAheadThreads() > before; wait++)
            Thread.Sleep(20); // a disposed reader's thread ends by itself, soon
        Assert.AreEqual(before, ReadAheadThreads(), "a read-ahead thread outlived its failed fit");
    }

    [TestMethod]
    public void ForcedInPlaceOnRowsSortedByTheLabelNamesTheOrderWhenItDiverges()
    {
        // Sorted by the label, a batch holds rows alike along the true weights: its curvature is several times any random batch's.
        var ml = new MLContext(1);
        var generated = SyntheticRegression.Generate(270_000, 64, seed: 5, noise: 0.5f);
        var sorted = BigView(ml, generated, sortByLabel: true);
        var error = Assert.ThrowsExactly<TrainingDivergedException>(() => Fit(sorted, o => o with { RowSource = RowSource.InPlace }));
        StringAssert.Contains(error.Message, "RowSource = InPlace reads the rows in their own order");
        StringAssert.Contains(error.Message, "the label");
        Assert.IsInstanceOfType<TrainingDivergedException>(error.InnerException);
        Assert.AreEqual(RowSource.Copy, Fit(sorted, o => o).History.RowSource, "left to choose, the trainer copies and shuffles");
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(2, 1)]
    [DataRow(3, 300)]
    [DataRow(700, 1)]
    public void TinyAndNarrowDataTrainInPlaceLikeTheCopy(int rows, int features)
    {
        var ml = new MLContext(1);
        var generated = SyntheticRegression.Generate(rows, features, seed: 2, noise: 0.1f);
        var definition = SchemaDefinition.Create(typeof(WideRow));
        definition[nameof(WideRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        var view = ml.Data.Cache(ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i =>
            new WideRow { Label = generated.Labels[i], Features = generated.Features.AsSpan(i * features, features).ToArray() }), definition));
        var copy = Fit(view, o => o with { Shuffle = false, RowSource = RowSource.Copy });
        var inPlace = Fit(view, o => o with { Shuffle = false, RowSource = RowSource.InPlace });
        Assert.AreEqual(RowSource.InPlace, inPlace.History.RowSource);
        CollectionAssert.AreEqual(copy.Weights, inPlace.Weights);
        Assert.AreEqual(copy.Bias, inPlace.Bias);
        Assert.IsTrue(float.IsFinite(Fit(view, o => o with { RowSource = RowSource.InPlace }).Bias), "shuffled too");
    }

    [TestMethod]
    public void SparseRowsWithEmptyRowsTrainInPlaceLikeTheCopy()
    {
        // A hashed-like view with rows that have no nonzero at all, read in place (forced) and copied, unshuffled.
        var ml = new MLContext(1);
        var random = new Random(6);
        var rows = Enumerable.Range(0, 3000).Select(i =>
        {
            int[] indices = i % 5 == 0 ? [] : [.. Enumerable.Range(0, 3).Select(k => random.Next(k * 1600, (k + 1) * 1600))];
            return new WideSparse.Row
            {
                Features = new VBuffer<float>(5000, indices.Length, Enumerable.Repeat(1f, indices.Length).ToArray(), indices),
                Label = indices.Sum(j => (j % 7) - 3f) + (float)random.NextDouble(),
            };
        }).ToArray();
        var definition = SchemaDefinition.Create(typeof(WideSparse.Row));
        definition[nameof(WideSparse.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 5000);
        var cached = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows, definition));
        var copy = Fit(cached, o => o with { Shuffle = false, RowSource = RowSource.Copy, NumberOfEpochs = 5 });
        var inPlace = Fit(cached, o => o with { Shuffle = false, RowSource = RowSource.InPlace, NumberOfEpochs = 5 });
        CollectionAssert.AreEqual(copy.Weights, inPlace.Weights);
        Assert.AreEqual(copy.Bias, inPlace.Bias);
    }

    [TestMethod]
    public void TheTrainerReadsSparseRowsInPlaceOnlyWhenTheyAreWide()
    {
        // 400,000 rows of 20 ones (a copy of 69 MB): over 2^20 hashed slots nearly every slot is used, fewer than 2 rows a parameter,
        // so the fit holds rows out and reads the rest in place; over 100,000 levels the rows are narrow and copied.
        var ml = new MLContext(1);
        var wide = Fit(ml.Data.Cache(Sparse.WideSparse.View(ml, 400_000, 1 << 20, 20, seed: 1)), o => o with { NumberOfEpochs = 2 });
        Assert.AreEqual(RowSource.InPlace, wide.History.RowSource, "wide hashed rows");
        Assert.IsTrue(wide.History.Epochs.All(e => double.IsFinite(e.ValidationCost)), "held out by default");
        var narrow = Fit(ml.Data.Cache(Sparse.WideSparse.View(ml, 400_000, 100_000, 20, seed: 2)), o => o with { NumberOfEpochs = 2 });
        Assert.AreEqual(RowSource.Copy, narrow.History.RowSource, "narrow sparse rows");
        Assert.IsTrue(narrow.History.Epochs.All(e => double.IsNaN(e.ValidationCost)));
    }

    [TestMethod]
    public void TrainInPlaceRefusesOptionsThatNeedACopy()
    {
        foreach (var (set, option) in new (Configure, string)[]
        {
            (o => o with { SkipNonFiniteRows = true }, "RowSource"), (o => o with { CacheFilePath = "rows.cache" }, "CacheFilePath"),
        })
        {
            var options = set(new GradientDescentRegressionTrainer.Options { RowSource = RowSource.InPlace });
            var error = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
            Assert.AreEqual(option, error.ParamName);
        }
    }

    [TestMethod]
    public void CancellationStopsAnInPlaceFitAndRestoresTheModel()
    {
        var ml = new MLContext(1);
        var data = Cached(ml, StreamingData.Generate(rows: 30000, seed: 6));
        using var cancel = new CancellationTokenSource();
        var options = new GradientDescentRegressionTrainer.Options
        {
            RowSource = RowSource.InPlace, NumberOfEpochs = 50, Tolerance = 0, CancellationToken = cancel.Token,
            EpochCompleted = record => { if (record.Epoch == 2) cancel.Cancel(); },
        };
        Assert.Throws<OperationCanceledException>(() => new GradientDescentRegressionTrainer(options).Fit(data));
    }

    [TestMethod]
    public void APipelineWithACacheCheckpointHandsTheTrainerTheCacheItTrainsOnInPlace()
    {
        var ml = new MLContext(1);
        var generated = SyntheticRegression.Generate(270_000, 64, seed: 5, noise: 0.5f);
        var raw = BigView(ml, generated, sortByLabel: false, cache: false);
        var trainer = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options { FeatureColumnName = "F" });
        var model = ml.Transforms.CopyColumns("F", "Features").AppendCacheCheckpoint(ml).Append(trainer).Fit(raw);
        Assert.AreEqual(RowSource.InPlace, trainer.LastHistory!.RowSource);
        var withoutCheckpoint = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options { FeatureColumnName = "F" });
        ml.Transforms.CopyColumns("F", "Features").Append(withoutCheckpoint).Fit(raw);
        Assert.AreEqual(RowSource.Copy, withoutCheckpoint.LastHistory!.RowSource, "no checkpoint: the rows are not held in memory");
        Assert.IsTrue(ml.Regression.Evaluate(model.Transform(raw)).RSquared > 0.9);
    }

    private static IDataView BigView(MLContext ml, SyntheticRegression data, bool sortByLabel, bool cache = true)
    {
        int d = data.FeatureCount;
        var order = Enumerable.Range(0, data.RowCount).ToArray();
        if (sortByLabel)
            Array.Sort(data.Labels.ToArray(), order);
        var definition = SchemaDefinition.Create(typeof(WideRow));
        definition[nameof(WideRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var rows = order.Select(i => new WideRow { Label = data.Labels[i], Features = data.Features.AsSpan(i * d, d).ToArray() });
        var view = ml.Data.LoadFromEnumerable(rows, definition);
        return cache ? ml.Data.Cache(view) : view;
    }

    private sealed class WideRow
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
