using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Core;

/// <summary>The epoch's batch order: a seeded permutation, grouped into in-order super-blocks only when there are many small batches.</summary>
[TestClass]
public sealed class BatchOrderTests
{
    [TestMethod]
    public void FewBatchesArePlacedAtRandomOneByOneAsBefore()
    {
        var order = new BatchOrder(batchCount: 40, rowsPerBatch: 256, featureCount: 8);
        Assert.AreEqual(1, order.BatchesPerBlock);

        var expected = new int[40];
        new SplitMix64(3, 2).Permutation(expected);
        CollectionAssert.AreEqual(expected, order.Next(shuffle: true, seed: 3, epoch: 2).ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 40).ToArray(), order.Next(shuffle: false, seed: 3, epoch: 2).ToArray());
    }

    [TestMethod]
    public void ManySmallBatchesVisitRandomSuperBlocksInOrderInside()
    {
        // 1M rows x 64 features at batch 32: 31,250 batches of 32 x 65 floats (8,320 bytes) each.
        var order = new BatchOrder(batchCount: 31_250, rowsPerBatch: 32, featureCount: 64);
        int group = order.BatchesPerBlock;
        Assert.AreEqual(BatchOrder.SuperBlockBytes / 8320, group);
        int blocks = (31_250 + group - 1) / group;
        Assert.IsTrue(blocks >= BatchOrder.MinSuperBlocks);

        int[] epoch1 = order.Next(true, seed: 7, epoch: 1).ToArray();
        int[] epoch2 = order.Next(true, seed: 7, epoch: 2).ToArray();
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 31_250).ToArray(), epoch1);
        CollectionAssert.AreNotEqual(epoch1, epoch2);
        CollectionAssert.AreEqual(epoch1, new BatchOrder(31_250, 32, 64).Next(true, seed: 7, epoch: 1).ToArray());
        for (int k = 1; k < epoch1.Length; k++)
        {
            // Inside a super-block the next batch follows; a jump happens only at a super-block's first batch.
            if (epoch1[k] % group != 0)
                Assert.AreEqual(epoch1[k - 1] + 1, epoch1[k], $"position {k}");
        }
        Assert.IsTrue(epoch1.Where((b, k) => b % group == 0 && k > 0 && epoch1[k - 1] != b - 1).Count() > blocks * 9 / 10, "super-blocks are shuffled");
    }
}
