using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Streaming;

/// <summary>The shuffle buffer: every pass is a permutation of the stream, fixed by the seed.</summary>
[TestClass]
public sealed class ShuffleBufferTests
{
    /// <summary>Streams rows 0..n-1 (feature = label = index) through the buffer and returns the order they come out in.</summary>
    private static int[] Pass(ShuffleBuffer buffer, int n, int seed, ulong stream)
    {
        buffer.Reset(seed, stream);
        var output = new List<int>(n);
        var row = new float[buffer.FeatureCount];
        var emitted = new float[buffer.FeatureCount];
        for (int i = 0; i < n; i++)
        {
            Array.Fill(row, i);
            if (buffer.Add(row, i, emitted, out float label))
                output.Add(Check(emitted, label));
        }
        while (buffer.TryTake(emitted, out float label))
            output.Add(Check(emitted, label));
        return output.ToArray();
    }

    private static int Check(float[] features, float label)
    {
        Assert.IsTrue(features.All(f => f == label), "a row's features and label stay together");
        return (int)label;
    }

    [TestMethod]
    [DataRow(1, 0)]
    [DataRow(1, 10)]
    [DataRow(7, 3)]
    [DataRow(7, 1000)]
    [DataRow(100, 100)]
    [DataRow(1000, 5000)]
    public void EveryPassIsAPermutation(int capacity, int n)
    {
        var buffer = new ShuffleBuffer(capacity, featureCount: 3);
        int[] order = Pass(buffer, n, seed: 1, stream: 1);
        CollectionAssert.AreEqual(Enumerable.Range(0, n).ToArray(), order.Order().ToArray());
        Assert.AreEqual(0, buffer.Count);
        if (capacity == 1)
            CollectionAssert.AreEqual(Enumerable.Range(0, n).ToArray(), order, "a pool of one keeps the stream order");
        else if (n >= 100)
            CollectionAssert.AreNotEqual(Enumerable.Range(0, n).ToArray(), order, "the order is shuffled");
    }

    [TestMethod]
    public void SameSeedAndStreamGiveTheSameOrder()
    {
        var buffer = new ShuffleBuffer(64, 2);
        int[] first = Pass(buffer, 2000, seed: 9, stream: 3);
        int[] again = Pass(new ShuffleBuffer(64, 2), 2000, seed: 9, stream: 3);
        int[] nextEpoch = Pass(buffer, 2000, seed: 9, stream: 4);
        int[] otherSeed = Pass(buffer, 2000, seed: 10, stream: 3);

        CollectionAssert.AreEqual(first, again);
        CollectionAssert.AreNotEqual(first, nextEpoch);
        CollectionAssert.AreNotEqual(first, otherSeed);
    }

    [TestMethod]
    public void ARowComesOutAtMostCapacityMinusOnePlacesEarly()
    {
        const int capacity = 50;
        int[] order = Pass(new ShuffleBuffer(capacity, 1), 3000, seed: 2, stream: 0);
        for (int position = 0; position < order.Length; position++)
            Assert.IsTrue(order[position] <= position + capacity - 1, $"row {order[position]} came out at {position}");
    }

    [TestMethod]
    public void InvalidArgumentsNameTheParameter()
    {
        Assert.AreEqual("capacity", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ShuffleBuffer(0, 1)).ParamName);
        Assert.AreEqual("featureCount", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ShuffleBuffer(1, 0)).ParamName);
        var buffer = new ShuffleBuffer(2, 3);
        Assert.ThrowsExactly<ArgumentException>(() => buffer.Add(new float[2], 0, new float[3], out _));
    }
}
