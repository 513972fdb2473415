using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Cluster;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Cluster;

/// <summary>A distributed fit of one shard is the local fit of the same file from a cache file, bit for bit: the same survey (sample,
/// standardization, largest row, rate), the same cache file and batches, the same steps, and the same decisions, since the workers and
/// the coordinator run the core's own parts — nothing of the core is copied into the cluster.</summary>
[TestClass]
public sealed class OneShardTests
{
    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    [DataRow(false, "defaults", DisplayName = "dense, defaults")]
    [DataRow(true, "defaults", DisplayName = "one-hot (CSR, lazy sparse steps), defaults")]
    [DataRow(false, "l1-step-last", DisplayName = "dense, L1 + L2, step schedule, last iterate")]
    [DataRow(true, "l1-plateau", DisplayName = "one-hot, L1 + L2 by the cumulative penalty, reduce-on-plateau schedule")]
    [DataRow(true, "raw", DisplayName = "one-hot, no standardization, given rate, no shuffle")]
    public async Task OneShardOnOneWorkerIsTheLocalFitFromACacheFileBitForBit(bool oneHot, string settings)
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot, shards: 1, rowsPerShard: 4000, testRows: 10, seed: 4);
        var local = new GradientDescentRegressionTrainer.Options { LabelColumnName = ClusterData.Label, RowSource = RowSource.CacheFile, Seed = 7, BatchSize = 64 };
        local = settings switch
        {
            "l1-step-last" => local with { L1Regularization = 0.01f, L2Regularization = 0.001f, Schedule = LearningRateSchedule.Step, DecayEpochs = 2, Averaged = false, NumberOfEpochs = 7 },
            "l1-plateau" => local with { L1Regularization = 0.005f, L2Regularization = 0.002f, Schedule = LearningRateSchedule.ReduceOnPlateau, PlateauPatience = 1 },
            "raw" => local with { StandardizeFeatures = false, LearningRate = 0.01f, Shuffle = false, NumberOfEpochs = 5 },
            _ => local,
        };
        var options = new DistributedOptions(local) { FaultTimeout = TimeSpan.FromSeconds(30) };
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        var fit = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);

        var ml = new MLContext(local.Seed);
        var columns = featurization.Format.Columns.Select(c => (c.Name, c.IsNumber ? DataKind.Single : DataKind.String)).ToArray();
        var rows = featurization.Featurizer.Transform(MlNetGd.Data.DelimitedFile.Read(data.Shards[0]).Load(ml, columns));
        var trainer = new GradientDescentRegressionTrainer(local);
        var model = trainer.Fit(rows);
        var history = trainer.LastHistory!;

        Assert.AreEqual(oneHot, fit.Shards[0].IsSparse);
        Assert.AreEqual(RowSource.CacheFile, history.RowSource);
        Assert.AreEqual(history.RowSource, fit.History.RowSource);
        Assert.AreEqual(history.LearningRate, fit.History.LearningRate, "the same survey gives the same rate");
        CollectionAssert.AreEqual(history.Epochs.ToArray(), fit.History.Epochs.ToArray(), "the same epochs: costs, rates, recoveries");
        Assert.AreEqual(history.StopReason, fit.History.StopReason);
        CollectionAssert.AreEqual(model.Model.Weights.ToArray(), fit.Model.Model.Weights.ToArray(), "the same weights bit for bit");
        Assert.AreEqual(model.Model.Bias, fit.Model.Model.Bias);
        if (settings == "l1-step-last")
            Assert.IsTrue(fit.History.Epochs[^1].LearningRate < fit.History.Epochs[0].LearningRate, "the step schedule lowered the rate");
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task AShardWhoseQuotedFieldsHoldLineBreaksIsSampledByRecordAndFitsAsLocally()
    {
        // Before: the sample was cut at every line end, so each record came to the coordinator as two broken lines.
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: true, shards: 1, rowsPerShard: 1500, testRows: 10, seed: 4);
        string[] lines = File.ReadAllLines(data.Shards[0]);
        File.WriteAllText(data.Shards[0], string.Join("\r\n", lines.Select((l, i) => i == 0 || l.Length == 0 ? l : $"\"{l[..l.IndexOf(',')]}\r\nbranch\"{l[l.IndexOf(',')..]}")));
        var local = new GradientDescentRegressionTrainer.Options { LabelColumnName = ClusterData.Label, RowSource = RowSource.CacheFile, Seed = 7, BatchSize = 64 };
        var options = new DistributedOptions(local) { FaultTimeout = TimeSpan.FromSeconds(30) };

        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options, sampleLines: 500);
        var fit = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);

        var file = MlNetGd.Data.DelimitedFile.Read(data.Shards[0]);
        Assert.AreEqual(1500, file.RowCount);
        Assert.AreEqual(500, featurization.Plan.RowCount, "500 records drawn, each whole");
        var shop = featurization.Plan.Columns.Single(c => c.Name == "shop");
        Assert.AreEqual(MlNetGd.Data.ColumnKind.Categorical, shop.Kind, featurization.Plan.ToString());
        CollectionAssert.AreEqual(MlNetGd.Data.ColumnInference.Infer(file, ClusterData.Label).Columns.Select(c => (c.Name, c.Kind)).ToArray(),
            featurization.Plan.Columns.Select(c => (c.Name, c.Kind)).ToArray(), featurization.Plan.ToString());
        Assert.AreEqual(0, featurization.Plan.DroppedRowCount, "every sampled record has its label");
        var ml = new MLContext(local.Seed);
        var columns = featurization.Format.Columns.Select(c => (c.Name, c.IsNumber ? DataKind.Single : DataKind.String)).ToArray();
        var model = new GradientDescentRegressionTrainer(local).Fit(featurization.Featurizer.Transform(file.Load(ml, columns)));
        CollectionAssert.AreEqual(model.Model.Weights.ToArray(), fit.Model.Model.Weights.ToArray(), "the same weights bit for bit");
        Assert.AreEqual(model.Model.Bias, fit.Model.Model.Bias);
    }
}
