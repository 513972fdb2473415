using Microsoft.ML;
using MlNetGd.Cluster;

namespace MlNetGd.Tests.Cluster;

/// <summary>Distributed fits on an in-process cluster of 3 silos, one shard each: as accurate as a single-process fit, bit-identical
/// for one seed, resumable from a checkpoint, and ML.NET's own model.</summary>
[TestClass]
public sealed class DistributedFitTests
{
    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    [DataRow(false, DisplayName = "dense")]
    [DataRow(true, DisplayName = "one-hot")]
    public async Task ThreeShardsTrainWithinHalfAPercentOfTheSingleProcessHeldOutMse(bool oneHot)
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot);
        var (distributed, local, fit) = await data.CompareWithLocal(cluster.Client, ClusterData.Options());

        Assert.AreEqual(3, fit.Shards.Select(s => s.Worker).Distinct().Count(), "one shard on each silo");
        Assert.AreEqual(9000, fit.RowCount);
        Assert.AreEqual(oneHot, fit.Shards.All(s => s.IsSparse), "one-hot shards are kept as CSR, dense ones dense");
        string figures = $"held-out MSE {distributed:R} (distributed) vs {local:R} (single process): {distributed / local - 1:+0.000%;-0.000%}; {fit}";
        Console.WriteLine(figures);
        Assert.IsTrue(Math.Abs(distributed / local - 1) < 0.005, figures);
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task TheSameSeedAndShardsGiveTheSameBitsTwice()
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: true, rowsPerShard: 1500);
        var options = ClusterData.Options(seed: 11);
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        var first = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);
        var second = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);

        CollectionAssert.AreEqual(first.Model.Model.Weights.ToArray(), second.Model.Model.Weights.ToArray());
        Assert.AreEqual(first.Model.Model.Bias, second.Model.Model.Bias);
        CollectionAssert.AreEqual(first.History.Epochs.ToArray(), second.History.Epochs.ToArray());
        Assert.IsTrue(first.History.EpochCount > 1);
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task AFitStartedAgainResumesFromItsCheckpointAndEndsWithTheSameBits()
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: false, rowsPerShard: 1500);
        var options = ClusterData.Options(seed: 5) with { Tolerance = 0, NumberOfEpochs = 6 };
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        var uninterrupted = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);

        using var stop = new CancellationTokenSource();
        var stopped = options with
        {
            CheckpointFile = Path.Combine(data.Directory, "fit.checkpoint"),
            EpochCompleted = e =>
            {
                if (e.Epoch == 3)
                    stop.Cancel();
            },
        };
        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, stopped, stop.Token));
        Assert.IsTrue(File.Exists(stopped.CheckpointFile));

        options = stopped with { EpochCompleted = null };
        var resumed = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);
        Assert.AreEqual(3, resumed.ResumedAfterRound);
        Assert.AreEqual(3, resumed.Rounds.Count, "only rounds 4 to 6 ran again");
        CollectionAssert.AreEqual(uninterrupted.Model.Model.Weights.ToArray(), resumed.Model.Model.Weights.ToArray());
        Assert.AreEqual(uninterrupted.Model.Model.Bias, resumed.Model.Model.Bias);
        CollectionAssert.AreEqual(uninterrupted.History.Epochs.ToArray(), resumed.History.Epochs.ToArray());

        var another = options with { Seed = 6 }; // another fit: its checkpoint is not this one's
        var other = await Assert.ThrowsExactlyAsync<InvalidDataException>(() => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, another));
        StringAssert.Contains(other.Message, options.CheckpointFile);
        StringAssert.Contains(other.Message, "belongs to another fit");

        var bytes = File.ReadAllBytes(options.CheckpointFile!);
        File.WriteAllBytes(options.CheckpointFile!, bytes[..^5]); // a save of round 6 killed part-way: its record is torn
        var torn = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);
        Assert.AreEqual(5, torn.ResumedAfterRound, "the torn round is left out");
        Assert.AreEqual(1, torn.Rounds.Count, "only round 6 ran again");
        CollectionAssert.AreEqual(uninterrupted.Model.Model.Weights.ToArray(), torn.Model.Model.Weights.ToArray());
        CollectionAssert.AreEqual(uninterrupted.History.Epochs.ToArray(), torn.History.Epochs.ToArray());
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(options.CheckpointFile!), "the torn record cut off, round 6 appended again");

        bytes[bytes.Length / 2] ^= 1; // damage inside an earlier round
        File.WriteAllBytes(options.CheckpointFile!, bytes);
        var damaged = await Assert.ThrowsExactlyAsync<InvalidDataException>(() => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options));
        StringAssert.Contains(damaged.Message, options.CheckpointFile);
        StringAssert.Contains(damaged.Message, "is not a checkpoint");
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task ADivergedBatchOnAWorkerIsTheSessionsToDecide()
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: false, rowsPerShard: 1500, testRows: 10);
        var options = ClusterData.Options() with { LearningRate = 40f, NumberOfEpochs = 4 };
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);

        var error = await Assert.ThrowsExactlyAsync<MlNetGd.Trainers.Core.TrainingDivergedException>(
            () => DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options));
        StringAssert.Contains(error.Message, "40");

        var recovering = options with { OnDivergence = MlNetGd.Trainers.Core.DivergenceAction.Recover };
        var fit = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, recovering);
        Assert.IsTrue(fit.History.Recoveries > 0, fit.ToString());
        Assert.IsTrue(fit.History.Epochs[^1].LearningRate < 40f / 2, "each recovery halved the rate");
        Assert.AreEqual(4, fit.History.EpochCount);
        Assert.IsTrue(fit.Model.Model.Weights.All(float.IsFinite));
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public async Task TheModelIsMlNetsOwnAndSavesLoadsAndScoresLikeAnyOther()
    {
        var cluster = await SharedCluster.Get();
        using var data = ClusterData.Write(oneHot: true, rowsPerShard: 1000);
        var options = ClusterData.Options();
        var featurization = await ClusterFeaturization.FitAsync(cluster.Client, data.Shards, ClusterData.Label, null, null, options);
        var fit = await DistributedGradientDescent.FitAsync(cluster.Client, data.Shards, featurization.Format, options);
        var ml = new MLContext(0);
        var model = new Microsoft.ML.Data.TransformerChain<ITransformer>(featurization.Featurizer, fit.Model);
        string path = Path.Combine(data.Directory, "model.zip");
        ModelFiles.Save(ml, model, featurization.InputSchema, path);
        var loaded = ModelFiles.LoadRegression(ml, path, out _);

        var test = MlNetGd.Data.DelimitedFile.Read(data.Test);
        var raw = test.Load(ml, featurization.Plan.InputColumns(includeLabel: true));
        var before = ml.Data.CreateEnumerable<Score>(model.Transform(raw), reuseRowObject: false).Select(s => s.Value).ToArray();
        var after = ml.Data.CreateEnumerable<Score>(loaded.Transform(raw), reuseRowObject: false).Select(s => s.Value).ToArray();
        CollectionAssert.AreEqual(before, after);
        Assert.IsTrue(ml.Regression.Evaluate(loaded.Transform(raw), ClusterData.Label).RSquared > 0.9);
    }

    private sealed class Score
    {
        [Microsoft.ML.Data.ColumnName("Score")]
        public float Value { get; set; }
    }
}
