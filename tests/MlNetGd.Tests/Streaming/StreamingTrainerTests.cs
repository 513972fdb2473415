using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Streaming.StreamingData;

namespace MlNetGd.Tests.Streaming;

/// <summary>The trainer from a cache file (<c>RowSource = CacheFile</c>): same accuracy as a copy, deterministic, file-backed sources, clear errors.</summary>
[TestClass]
public sealed class StreamingTrainerTests
{
    /// <summary>Training MSE at most 2% above the least-squares optimum (RMSE within 1%, the bar PipelineTests sets): the noise floor
    /// of constant-rate minibatch SGD at B = 256 is about 1% here, whatever the order of the rows.</summary>
    private const double Tight = 1.02;

    [TestMethod]
    [DataRow(true, DisplayName = "source shuffles (ML.NET cache)")]
    [DataRow(false, DisplayName = "shuffle buffer (one-pass enumerable)")]
    public void StreamedAndCachedFitsReachTheOptimum(bool sourceCanShuffle)
    {
        var ml = new MLContext(1);
        var data = Generate();
        var rows = Rows(data);
        var source = sourceCanShuffle ? Shuffleable(ml, rows) : NotShuffleable(ml, rows);
        Assert.AreEqual(sourceCanShuffle, source.CanShuffle);

        var (streamed, history) = Fit(source, Options(cache: false));
        var (cached, _) = Fit(source, Options(cache: true));
        var (streamedMse, optimum) = Mse(data, streamed);
        var (cachedMse, _) = Mse(data, cached);

        Assert.IsTrue(history.LearningRateWasAutomatic);
        Assert.IsTrue(streamedMse <= optimum * Tight, $"streamed {streamedMse} vs optimum {optimum}");
        Assert.IsTrue(cachedMse <= optimum * Tight, $"cached {cachedMse} vs optimum {optimum}");
        Assert.AreEqual(cachedMse, streamedMse, optimum * (Tight - 1), "streamed and cached training MSE");
    }

    [TestMethod]
    public void WithoutShufflingStreamedEqualsCachedBitForBit()
    {
        // No shuffle: both visit the rows in source order, in the same B-row blocks, and (n <= 16384) estimate the curvature
        // on the same rows, so every step is the same computation.
        var ml = new MLContext(1);
        var source = Shuffleable(ml, Rows(Generate(1000)));
        var streamedOptions = Options(cache: false) with { Shuffle = false };
        var cachedOptions = Options(cache: true) with { Shuffle = false };

        var (streamed, streamedHistory) = Fit(source, streamedOptions);
        var (cached, cachedHistory) = Fit(source, cachedOptions);

        CollectionAssert.AreEqual(cached, streamed);
        Assert.AreEqual(cachedHistory.LearningRate, streamedHistory.LearningRate);
        CollectionAssert.AreEqual(cachedHistory.Epochs.ToArray(), streamedHistory.Epochs.ToArray());
    }

    [TestMethod]
    [DataRow("list")]
    [DataRow("enumerable")]
    [DataRow("idv")]
    [DataRow("text")]
    public void SameSeedGivesTheSameModelBitForBit(string kind)
    {
        string directory = TempDirectory();
        try
        {
            var ml = new MLContext(1);
            var data = Generate(2000);
            var rows = Rows(data);
            IDataView source = kind switch
            {
                "list" => Shuffleable(ml, rows),
                "enumerable" => NotShuffleable(ml, rows),
                "idv" => BinaryFile(ml, rows, directory),
                _ => TextFile(ml, rows, directory),
            };

            var (first, _) = Fit(source, Options(cache: false, seed: 7));
            var (second, _) = Fit(source, Options(cache: false, seed: 7));
            var (otherSeed, _) = Fit(source, Options(cache: false, seed: 8));

            CollectionAssert.AreEqual(first, second);
            CollectionAssert.AreNotEqual(first, otherSeed, "the seed must change the minibatch order");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    [DataRow("idv")]
    [DataRow("text")]
    public void TrainsFromAFileToTheOptimum(string kind)
    {
        string directory = TempDirectory();
        try
        {
            var ml = new MLContext(1);
            var data = Generate();
            var rows = Rows(data);
            var source = kind == "idv" ? BinaryFile(ml, rows, directory) : TextFile(ml, rows, directory);
            Assert.AreEqual(kind == "idv", source.CanShuffle, "ML.NET shuffles a binary file; a text file goes through the shuffle buffer");

            var (parameters, history) = Fit(source, Options(cache: false));
            var (mse, optimum) = Mse(data, parameters);

            Assert.IsTrue(mse <= optimum * Tight, $"{kind}: streamed {mse} vs optimum {optimum}");
            Assert.IsTrue(history.EpochCount >= 1);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void NonFiniteValueNamesTheRowAndColumn(bool inFeatures)
    {
        var ml = new MLContext(1);
        var rows = Rows(Generate(100));
        if (inFeatures)
            rows[37].Features[2] = float.NaN;
        else
            rows[37].Label = float.PositiveInfinity;
        var trainer = new GradientDescentRegressionTrainer(Options(cache: false));

        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(NotShuffleable(ml, rows)));

        StringAssert.Contains(error.Message, "Row 37");
        StringAssert.Contains(error.Message, inFeatures ? "slot 2 of column 'Features' is NaN" : "the label column 'Label' is");
        Assert.IsNull(trainer.LastHistory, "nothing trained");
    }

    [TestMethod]
    public void ASourceWithNoRowsIsAClearError()
    {
        var ml = new MLContext(1);
        var trainer = new GradientDescentRegressionTrainer(Options(cache: false));

        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(NotShuffleable(ml, [])));

        StringAssert.Contains(error.Message, "no rows");
    }

    [TestMethod]
    public void WarmStartAndAMissingColumnWorkAsWhenCached()
    {
        var ml = new MLContext(1);
        var source = Shuffleable(ml, Rows(Generate(500)));
        var first = new GradientDescentRegressionTrainer(Options(cache: false)).Fit(source);
        var resumed = new GradientDescentRegressionTrainer(Options(cache: false));
        resumed.Fit(source, first.Model);
        Assert.IsTrue(resumed.LastHistory!.Epochs[0].TrainingCost < 1.0, $"warm start began at cost {resumed.LastHistory.Epochs[0].TrainingCost}");

        var options = Options(cache: false) with { FeatureColumnName = "Missing" };
        var error = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options).Fit(source));
        Assert.AreEqual("FeatureColumnName", error.ParamName);
    }

    [TestMethod]
    public void TheSourceIsReadOnceWhateverTheNumberOfEpochs()
    {
        // Every epoch reads the cache file written by the one pass over the source: a source that would return other rows on a
        // second pass (here one row fewer) cannot change the fit.
        var ml = new MLContext(1);
        var rows = Rows(Generate(300));
        int passes = 0;
        IEnumerable<Row> Shrinking()
        {
            int take = passes++ == 0 ? rows.Length : rows.Length - 1;
            foreach (var row in rows.Take(take))
                yield return row;
        }
        var options = Options(cache: false) with { NumberOfEpochs = 5, Tolerance = 0 };
        var trainer = new GradientDescentRegressionTrainer(options);

        var model = trainer.Fit(ml.Data.LoadFromEnumerable(Shrinking()));

        Assert.AreEqual(1, passes, "one pass over the source");
        Assert.AreEqual(5, trainer.LastHistory!.Epochs.Count);
        Assert.IsTrue(model.Model.Weights.All(float.IsFinite));
    }

    [TestMethod]
    public void DivergenceAndCancellationEndTheFitWithTheirErrors()
    {
        var ml = new MLContext(1);
        var source = NotShuffleable(ml, Rows(Generate(500)));
        var tooFast = Options(cache: false) with { LearningRate = 50f };
        var diverged = Assert.ThrowsExactly<TrainingDivergedException>(() => new GradientDescentRegressionTrainer(tooFast).Fit(source));
        Assert.IsTrue(diverged.SuggestedLearningRate < 50f);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var options = Options(cache: false) with { CancellationToken = cancelled.Token };
        Assert.ThrowsExactly<OperationCanceledException>(() => new GradientDescentRegressionTrainer(options).Fit(source));
    }
}
