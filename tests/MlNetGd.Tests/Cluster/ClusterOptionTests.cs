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
    [DataRow("Momentum", DisplayName = "momentum")]
    [DataRow("ValidationFraction", DisplayName = "validation rows")]
    [DataRow("FaultTimeout", DisplayName = "a fault timeout under a second")]
    [DataRow("Workers", DisplayName = "no workers")]
    [DataRow("CheckpointFile", DisplayName = "an empty checkpoint path")]
    public void AnOptionADistributedFitDoesNotSupportIsRefusedNamingIt(string option)
    {
        var options = option switch
        {
            "Optimizer" => new DistributedOptions { Optimizer = OptimizerKind.Adam },
            "Momentum" => new DistributedOptions { Optimizer = OptimizerKind.Momentum },
            "ValidationFraction" => new DistributedOptions { ValidationFraction = 0.1 },
            "FaultTimeout" => new DistributedOptions { FaultTimeout = TimeSpan.FromMilliseconds(500) },
            "Workers" => new DistributedOptions { Workers = [] },
            _ => new DistributedOptions { CheckpointFile = "" },
        };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.AreEqual(option == "Momentum" ? "Optimizer" : option, error.ParamName);
        if (option is "Optimizer" or "Momentum")
            StringAssert.Contains(error.Message, "unaveraged", "it says why: the optimizer's state would stay on each worker");
    }

    [TestMethod]
    public void L1AndEverySchedulePassTheSessionsOwnChecks()
    {
        foreach (var schedule in Enum.GetValues<LearningRateSchedule>())
            new DistributedOptions { L1Regularization = 0.01f, Schedule = schedule }.Validate();
    }

    [TestMethod]
    public void TheOptionsCarryEveryTrainerSettingOver()
    {
        var trainer = new MlNetGd.Trainers.GradientDescentRegressionTrainer.Options
        {
            BatchSize = 17, LearningRate = 0.25f, Tolerance = 0, Seed = 9, L1Regularization = 0.5f, Schedule = LearningRateSchedule.Step, Averaged = false,
        };
        var options = new DistributedOptions(trainer) { FaultTimeout = TimeSpan.FromSeconds(3) };
        foreach (var property in typeof(GradientDescentSettings).GetProperties())
            Assert.AreEqual(property.GetValue(trainer), property.GetValue(options), property.Name);
        Assert.AreEqual(TimeSpan.FromSeconds(3), options.FaultTimeout);
    }

    [TestMethod]
    [DataRow(new long[] { 1000, 1000, 1000 }, 16384, new[] { 1000, 1000, 1000 }, DisplayName = "fewer rows than the sample: all of them")]
    [DataRow(new long[] { 100000, 50000, 50000 }, 16384, new[] { 8192, 4096, 4096 }, DisplayName = "in proportion to the rows")]
    [DataRow(new long[] { 1, 1, 1 }, 2, new[] { 1, 1, 0 }, DisplayName = "ties go to the earlier shard")]
    public void EachShardGivesTheSampleItsShareOfTheRows(long[] rows, int capacity, int[] expected) =>
        CollectionAssert.AreEqual(expected, SurveyMerge.Shares(rows, capacity));

    [TestMethod]
    [DataRow("train", "--cluster", "nowhere", DisplayName = "--cluster without a port")]
    [DataRow("train", "--cluster", "127.0.0.1:70000", DisplayName = "--cluster with a port out of range")]
    [DataRow("train", "--cluster", "127.0.0.1:30000", "--fault-timeout", "0", DisplayName = "--fault-timeout 0")]
    [DataRow("worker", "--port", "0", DisplayName = "worker --port 0")]
    [DataRow("worker", "--address", "localhost-ish", DisplayName = "worker --address that is no IP")]
    [DataRow("worker", "--primary", "127.0.0.1", DisplayName = "worker --primary without a port")]
    [DataRow("train", "--cluster", "127.0.0.1:30000", "--data", "a.csv,b.csv", "--model", "m.zip", "--checkpoint", "m.zip", DisplayName = "--checkpoint is --model")]
    [DataRow("train", "--cluster", "127.0.0.1:30000", "--data", "a.csv,b.csv", "--model", "b.csv", DisplayName = "--model is a shard")]
    [DataRow("train", "--cluster", "127.0.0.1:30000", "--data", "a.csv,b.csv", "--checkpoint", "./a.csv", DisplayName = "--checkpoint is a shard")]
    [DataRow("worker", "--work-dir", "w", "--tls-certificate", "w", DisplayName = "worker --work-dir is --tls-certificate")]
    public void ABadClusterOptionIsAParseErrorNamingIt(params string[] args)
    {
        var (code, _, error) = CliHarness.Run(args);
        Assert.AreEqual(CliRunner.BadArguments, code, error);
        StringAssert.Contains(error, args[^2]);
    }
}
