using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Streaming.StreamingData;

namespace MlNetGd.Tests.Streaming;

/// <summary>The trainer's cache file (<c>RowSource = CacheFile</c>, <c>CacheFilePath</c>): kept, reused, rebuilt, and never left half-written.</summary>
[TestClass]
public sealed class StreamedCacheFileTests
{
    private static string NewDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mlnetgd-cachefile-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static GradientDescentRegressionTrainer.Options Options(string? cacheFile) => new()
    {
        RowSource = RowSource.CacheFile, CacheFilePath = cacheFile, NumberOfEpochs = 8,
    };

    [TestMethod]
    public void AKeptCacheFileIsReusedWithoutReadingTheSourceAndGivesTheSameModelBitForBit()
    {
        string directory = NewDirectory();
        try
        {
            string file = Path.Combine(directory, "rows.cache");
            var ml = new MLContext(1);
            var rows = Rows(Generate(2000));
            var writer = ml.Regression.Trainers.GradientDescent(Options(file));
            var first = writer.Fit(NotShuffleable(ml, rows)).Model;
            Assert.IsTrue(File.Exists(file), "a named cache file is kept");
            Assert.IsFalse(writer.LastHistory!.ReusedCacheFile);

            int reads = 0;
            IEnumerable<Row> Counting()
            {
                reads++;
                foreach (var row in rows)
                    yield return row;
            }
            var reader = ml.Regression.Trainers.GradientDescent(Options(file));
            var second = reader.Fit(ml.Data.LoadFromEnumerable(Counting())).Model;
            Assert.AreEqual(0, reads, "the source is not read when the cache file matches");
            Assert.IsTrue(reader.LastHistory!.ReusedCacheFile, "the history says the file was reused");
            CollectionAssert.AreEqual(first.Weights.ToArray(), second.Weights.ToArray());
            Assert.AreEqual(first.Bias, second.Bias);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void ACorruptedOrForeignCacheFileIsRebuiltFromTheSource()
    {
        string directory = NewDirectory();
        try
        {
            string file = Path.Combine(directory, "rows.cache");
            var ml = new MLContext(1);
            var rows = Rows(Generate(2000));
            var expected = ml.Regression.Trainers.GradientDescent(Options(file)).Fit(NotShuffleable(ml, rows)).Model;
            byte[] bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x5A; // a flipped byte in a block
            File.WriteAllBytes(file, bytes);

            var rebuilt = ml.Regression.Trainers.GradientDescent(Options(file)).Fit(NotShuffleable(ml, rows)).Model;
            CollectionAssert.AreEqual(expected.Weights.ToArray(), rebuilt.Weights.ToArray());

            File.WriteAllText(file, "Label,Features\n1,2\n"); // not a cache file at all
            var again = ml.Regression.Trainers.GradientDescent(Options(file)).Fit(NotShuffleable(ml, rows)).Model;
            CollectionAssert.AreEqual(expected.Weights.ToArray(), again.Weights.ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void CancellingWhileTheFileIsWrittenLeavesNothingThatCouldBeTakenForACache()
    {
        string directory = NewDirectory();
        try
        {
            string file = Path.Combine(directory, "rows.cache");
            var ml = new MLContext(1);
            var rows = Rows(Generate(20_000));
            using var cancel = new CancellationTokenSource();
            IEnumerable<Row> CancelHalfway()
            {
                for (int i = 0; i < rows.Length; i++)
                {
                    if (i == rows.Length / 2)
                        cancel.Cancel();
                    yield return rows[i];
                }
            }
            var options = Options(file) with { CancellationToken = cancel.Token };
            Assert.ThrowsExactly<OperationCanceledException>(() =>
                ml.Regression.Trainers.GradientDescent(options).Fit(ml.Data.LoadFromEnumerable(CancelHalfway())));
            CollectionAssert.AreEqual(Array.Empty<string>(), Directory.GetFileSystemEntries(directory), "neither the file nor its temporary");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void AKeptCacheFileWithAnotherRowCountIsRebuilt()
    {
        string directory = NewDirectory();
        try
        {
            string file = Path.Combine(directory, "rows.cache");
            var ml = new MLContext(1);
            var rows = Rows(Generate(2000));
            ml.Regression.Trainers.GradientDescent(Options(file)).Fit(ml.Data.LoadFromEnumerable(rows));
            var fewer = rows[..1500];
            var expected = ml.Regression.Trainers.GradientDescent(Options(null)).Fit(ml.Data.LoadFromEnumerable(fewer)).Model;
            var trainer = ml.Regression.Trainers.GradientDescent(Options(file));
            var model = trainer.Fit(ml.Data.LoadFromEnumerable(fewer)).Model;
            Assert.IsFalse(trainer.LastHistory!.ReusedCacheFile, "the source reports 1500 rows; the file holds 2000");
            CollectionAssert.AreEqual(expected.Weights.ToArray(), model.Weights.ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void ACacheFilePathAloneReadsFromTheCacheFile()
    {
        string directory = NewDirectory();
        try
        {
            string file = Path.Combine(directory, "rows.cache");
            var ml = new MLContext(1);
            var trainer = ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { CacheFilePath = file });
            trainer.Fit(ml.Data.LoadFromEnumerable(Rows(Generate(500))));
            Assert.AreEqual(RowSource.CacheFile, trainer.LastHistory!.RowSource);
            Assert.IsTrue(File.Exists(file));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
