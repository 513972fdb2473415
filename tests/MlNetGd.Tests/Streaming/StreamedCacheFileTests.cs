using Microsoft.ML;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;
using static MlNetGd.Tests.Streaming.StreamingData;

namespace MlNetGd.Tests.Streaming;

/// <summary>The trainer's cache file with <c>CacheData = false</c>: kept, reused, rebuilt, and never left half-written.</summary>
[TestClass]
public sealed class StreamedCacheFileTests
{
    private static string NewDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mlnetgd-cachefile-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static GradientDescentRegressionTrainer.Options Options(string? cacheFile, bool reuse = false) => new()
    {
        CacheData = false, CacheFile = cacheFile, ReuseCacheFile = reuse, NumberOfEpochs = 8,
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
            var first = ml.Regression.Trainers.GradientDescent(Options(file)).Fit(NotShuffleable(ml, rows)).Model;
            Assert.IsTrue(File.Exists(file), "a named cache file is kept");

            int reads = 0;
            IEnumerable<Row> Counting()
            {
                reads++;
                foreach (var row in rows)
                    yield return row;
            }
            var second = ml.Regression.Trainers.GradientDescent(Options(file, reuse: true)).Fit(ml.Data.LoadFromEnumerable(Counting())).Model;
            Assert.AreEqual(0, reads, "the source is not read when the cache file matches");
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

            var rebuilt = ml.Regression.Trainers.GradientDescent(Options(file, reuse: true)).Fit(NotShuffleable(ml, rows)).Model;
            CollectionAssert.AreEqual(expected.Weights.ToArray(), rebuilt.Weights.ToArray());

            File.WriteAllText(file, "Label,Features\n1,2\n"); // not a cache file at all
            var again = ml.Regression.Trainers.GradientDescent(Options(file, reuse: true)).Fit(NotShuffleable(ml, rows)).Model;
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
            var options = Options(file);
            options.CancellationToken = cancel.Token;
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
    [DataRow("CacheFile")]
    [DataRow("ReuseCacheFile")]
    public void CacheFileOptionsNeedTheStreamedPath(string option)
    {
        var options = new GradientDescentRegressionTrainer.Options { CacheFile = "rows.cache", ReuseCacheFile = option == "ReuseCacheFile" };
        if (option == "ReuseCacheFile")
            options.CacheFile = null;
        var error = Assert.ThrowsExactly<ArgumentException>(() => new GradientDescentRegressionTrainer(options));
        Assert.AreEqual(option, error.ParamName);
        StringAssert.Contains(error.Message, "CacheData");
    }
}
