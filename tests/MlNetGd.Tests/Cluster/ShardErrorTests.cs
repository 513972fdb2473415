using MlNetGd.Cluster;

namespace MlNetGd.Tests.Cluster;

/// <summary>A worker refuses a shard it cannot train on with an error naming the file; nothing is trained.</summary>
[TestClass]
public sealed class ShardErrorTests
{
    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    [DataRow("not-a-number", "is not a number", DisplayName = "a cell that is not a number")]
    [DataRow("missing-column", "'x3'", DisplayName = "a column the fit needs is missing")]
    [DataRow("binary", "binary", DisplayName = "a binary (corrupt) file")]
    [DataRow("absent", "does not exist", DisplayName = "no such file on the worker")]
    [DataRow("no-rows", "no data rows", DisplayName = "a header and no rows")]
    public async Task ABadShardIsAClearErrorNamingItsFile(string problem, string expected)
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: false, rowsPerShard: 400, testRows: 10);
        var options = ClusterData.Options();
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        string bad = data.Shards[1];
        var lines = File.ReadAllLines(bad);
        switch (problem)
        {
            case "not-a-number":
                lines[7] = "1.0,oops,2.0,3.0,4.0,5.0,6.0";
                File.WriteAllLines(bad, lines);
                break;
            case "missing-column":
                File.WriteAllLines(bad, lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 2))));
                break;
            case "binary":
                File.WriteAllBytes(bad, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 256)).ToArray());
                break;
            case "absent":
                File.Delete(bad);
                break;
            default:
                File.WriteAllLines(bad, lines.Take(1));
                break;
        }

        var error = await Assert.ThrowsExactlyAsync<ShardDataException>(() => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options));
        StringAssert.Contains(error.Message, bad);
        StringAssert.Contains(error.Message, expected);
        if (problem == "not-a-number")
            StringAssert.Contains(error.Message, "line 8");
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task AShardWhoseFeaturizedSchemaDiffersIsRefusedNamingTheFile()
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: false, rowsPerShard: 300, testRows: 10);
        var options = ClusterData.Options();
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        var format = featurization.Format;
        var mismatched = new ShardFormat
        {
            Separator = format.Separator, Columns = format.Columns, LabelColumnName = format.LabelColumnName, FeatureColumnName = format.FeatureColumnName,
            Featurizer = format.Featurizer, FeatureCount = format.FeatureCount + 1, SlotNameHash = format.SlotNameHash,
        };

        var error = await Assert.ThrowsExactlyAsync<ShardDataException>(() => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, mismatched, options));
        StringAssert.Contains(error.Message, data.Shards[0]);
        StringAssert.Contains(error.Message, "does not match the fit's schema");
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task ShardsWithDifferentHeadersAreRefusedBeforeTheFeaturization()
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: false, rowsPerShard: 300, testRows: 10);
        var lines = File.ReadAllLines(data.Shards[2]);
        lines[0] = lines[0].Replace("x2", "x2b", StringComparison.Ordinal);
        File.WriteAllLines(data.Shards[2], lines);

        var error = await Assert.ThrowsExactlyAsync<ShardDataException>(() => ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, ClusterData.Options()));
        StringAssert.Contains(error.Message, data.Shards[2]);
        StringAssert.Contains(error.Message, "x2b");
    }
}
