using MlNetGd.Cli;
using MlNetGd.Cluster;
using MlNetGd.Tests.Cli;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Cluster;

/// <summary>What a distributed fit refuses before it starts, and the tool's parse-time checks of its cluster options.</summary>
[TestClass]
public sealed class ClusterOptionTests
{
    [TestMethod]
    [DataRow("Optimizer", DisplayName = "Adam")]
    [DataRow("L1Regularization", DisplayName = "L1")]
    [DataRow("ValidationFraction", DisplayName = "validation rows")]
    [DataRow("Schedule", DisplayName = "a schedule")]
    [DataRow("FaultTimeout", DisplayName = "a fault timeout under a second")]
    [DataRow("Workers", DisplayName = "no workers")]
    [DataRow("CheckpointFile", DisplayName = "an empty checkpoint path")]
    public void AnOptionADistributedFitDoesNotSupportIsRefusedNamingIt(string option)
    {
        var options = new DistributedOptions();
        switch (option)
        {
            case "Optimizer": options.Optimizer = OptimizerKind.Adam; break;
            case "L1Regularization": options.L1Regularization = 0.1f; break;
            case "ValidationFraction": options.ValidationFraction = 0.1; break;
            case "Schedule": options.Schedule = LearningRateSchedule.Step; break;
            case "FaultTimeout": options.FaultTimeout = TimeSpan.FromMilliseconds(500); break;
            case "Workers": options.Workers = []; break;
            default: options.CheckpointFile = ""; break;
        }
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.AreEqual(option, error.ParamName);
    }

    [TestMethod]
    [DataRow(new long[] { 1000, 1000, 1000 }, 16384, new[] { 1000, 1000, 1000 }, DisplayName = "fewer rows than the sample: all of them")]
    [DataRow(new long[] { 100000, 50000, 50000 }, 16384, new[] { 8192, 4096, 4096 }, DisplayName = "in proportion to the rows")]
    [DataRow(new long[] { 1, 1, 1 }, 2, new[] { 1, 1, 0 }, DisplayName = "ties go to the earlier shard")]
    public void EachShardGivesTheSampleItsShareOfTheRows(long[] rows, int capacity, int[] expected) =>
        CollectionAssert.AreEqual(expected, ClusterSurvey.SampleCounts(rows, capacity));

    [TestMethod]
    [DataRow("train", "--cluster", "nowhere", DisplayName = "--cluster without a port")]
    [DataRow("train", "--cluster", "127.0.0.1:70000", DisplayName = "--cluster with a port out of range")]
    [DataRow("train", "--cluster", "127.0.0.1:30000", "--fault-timeout", "0", DisplayName = "--fault-timeout 0")]
    [DataRow("worker", "--port", "0", DisplayName = "worker --port 0")]
    [DataRow("worker", "--address", "localhost-ish", DisplayName = "worker --address that is no IP")]
    [DataRow("worker", "--primary", "127.0.0.1", DisplayName = "worker --primary without a port")]
    public void ABadClusterOptionIsAParseErrorNamingIt(params string[] args)
    {
        var (code, _, error) = CliHarness.Run(args);
        Assert.AreEqual(CliRunner.BadArguments, code, error);
        StringAssert.Contains(error, args[^2]);
    }
}
