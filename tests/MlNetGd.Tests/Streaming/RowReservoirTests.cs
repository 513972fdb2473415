using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Streaming;

/// <summary>The reservoir sample behind the streamed fit's automatic learning rate.</summary>
[TestClass]
public sealed class RowReservoirTests
{
    private static float[] Sample(int capacity, int n, int seed)
    {
        var reservoir = new RowReservoir(capacity, 1, seed);
        for (int i = 0; i < n; i++)
            reservoir.Add([i], i);
        Assert.AreEqual(n, reservoir.RowsSeen);
        var sample = reservoir.ToDenseDataset();
        CollectionAssert.AreEqual(sample.Labels, sample.Features, "features and labels stay together");
        return sample.Labels;
    }

    [TestMethod]
    public void AShortStreamIsKeptWholeInOrder() =>
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), Sample(16, 10, seed: 1));

    [TestMethod]
    public void ALongStreamIsSampledUniformlyAndDeterministically()
    {
        float[] sample = Sample(1000, 100_000, seed: 4);
        Assert.AreEqual(1000, sample.Length);
        Assert.AreEqual(1000, sample.Distinct().Count(), "no row twice");
        CollectionAssert.AreEqual(sample, Sample(1000, 100_000, seed: 4));
        // Uniform over 0..99999: the mean is 49999.5 with a standard error of about 913; a first-rows sample would give 499.5.
        Assert.AreEqual(49_999.5, sample.Average(v => (double)v), 4_000);
        // Each tenth of the stream holds about 100 of the 1000 (binomial, sd about 9.5).
        foreach (var group in sample.GroupBy(v => (int)(v / 10_000)))
            Assert.IsTrue(group.Count() is > 60 and < 140, $"tenth {group.Key}: {group.Count()}");
    }

    [TestMethod]
    public void AnEmptyReservoirCannotBecomeADataset() =>
        Assert.ThrowsExactly<InvalidOperationException>(() => new RowReservoir(4, 2, 0).ToDenseDataset());
}
