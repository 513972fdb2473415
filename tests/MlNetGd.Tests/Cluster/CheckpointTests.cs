using MlNetGd.Cluster;
using MlNetGd.Tests.Comparison;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Cluster;

/// <summary>A distributed fit's checkpoint is a log: a save writes its own round once (not the whole fit again), a save killed part-way
/// leaves a torn last record that a load leaves out and the next save cuts off, and damage before the last record is an error.</summary>
[TestClass]
public sealed class CheckpointTests
{
    private const int Parameters = 1025; // d = 1024

    private static RoundReduction Round(int k)
    {
        var last = new float[Parameters];
        var average = new float[Parameters];
        for (int j = 0; j < Parameters; j++)
        {
            last[j] = k + j / 1000f;
            average[j] = -k - j / 3000f;
        }
        return new RoundReduction(last, average, 1.0 / k, 100 + k, k);
    }

    // A checkpoint of rounds 1 to n, saved after each; its bytes.
    private static byte[] Saved(string path, int rounds)
    {
        var checkpoint = Checkpoint.Start("key", Parameters);
        for (int k = 1; k <= rounds; k++)
        {
            checkpoint.AddRound(Round(k));
            checkpoint.Save(path);
        }
        return File.ReadAllBytes(path);
    }

    [TestMethod]
    public void Over200RoundsEachByteIsWrittenOnceNotOnceARound()
    {
        using var dir = new TempDirectory();
        string path = dir.File("fit.checkpoint");
        var checkpoint = Checkpoint.Start("key", Parameters);
        long rewritten = 0; // what writing the whole file every round (the checkpoint before the log) writes
        for (int k = 1; k <= 200; k++)
        {
            checkpoint.AddRound(Round(k));
            long before = checkpoint.BytesWritten;
            checkpoint.Save(path);
            if (k > 1)
                Assert.AreEqual(4 + 1 + 8 + 8 + 4 + 2 * 4 * Parameters + 8, checkpoint.BytesWritten - before, "a save writes its own round");
            rewritten += new FileInfo(path).Length;
        }
        long length = new FileInfo(path).Length;
        Console.WriteLine($"200 rounds at d = {Parameters - 1}: {checkpoint.BytesWritten:N0} bytes written (the file: {length:N0}); " +
            $"rewriting the file each round writes {rewritten:N0} ({(double)rewritten / checkpoint.BytesWritten:F1}x)");
        Assert.AreEqual(length, checkpoint.BytesWritten);
        Assert.AreEqual(200, Checkpoint.Load(path, "key", Parameters)!.Rounds);
    }

    [TestMethod]
    public void ATornLastRecordIsLeftOutAndTheNextSaveCutsItOff()
    {
        using var dir = new TempDirectory();
        string path = dir.File("fit.checkpoint");
        var checkpoint = Checkpoint.Start("key", Parameters);
        checkpoint.AddRound(Round(1));
        checkpoint.AddDivergedBatch(double.PositiveInfinity);
        checkpoint.Save(path);
        checkpoint.AddRound(Round(2));
        checkpoint.Save(path);
        long twoRounds = new FileInfo(path).Length;
        checkpoint.AddRound(Round(3));
        checkpoint.Save(path);
        var whole = File.ReadAllBytes(path);

        foreach (int cut in new[] { 1, 5, 8, 4 * Parameters, whole.Length - (int)twoRounds - 1 })
        {
            File.WriteAllBytes(path, whole[..^cut]); // a save of round 3 killed part-way
            var torn = Checkpoint.Load(path, "key", Parameters)!;
            Assert.AreEqual(2, torn.Rounds, $"cut {cut}");
            torn.AddRound(Round(3));
            torn.Save(path);
            CollectionAssert.AreEqual(whole, File.ReadAllBytes(path), $"cut {cut}: the torn record is cut off and round 3 written again");
        }

        var garbled = whole.ToArray();
        garbled[^3] ^= 1; // the last record's checksum fails: torn too
        File.WriteAllBytes(path, garbled);
        Assert.AreEqual(2, Checkpoint.Load(path, "key", Parameters)!.Rounds);
    }

    [TestMethod]
    public void DamageBeforeTheLastRecordOrAnotherFitsKeyIsAnErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("fit.checkpoint");
        var whole = Saved(path, 2);

        var other = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path, "another key", Parameters));
        StringAssert.Contains(other.Message, $"The checkpoint file '{path}' belongs to another fit");

        var damaged = whole.ToArray();
        damaged[whole.Length / 3] ^= 1; // inside the first round's iterates
        File.WriteAllBytes(path, damaged);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path, "key", Parameters));
        StringAssert.Contains(e.Message, $"The checkpoint file '{path}' is not a checkpoint of a distributed fit");
        StringAssert.Contains(e.Message, "is damaged");

        File.WriteAllText(path, "model,y\n1,2\n");
        e = Assert.ThrowsExactly<InvalidDataException>(() => Checkpoint.Load(path, "key", Parameters));
        StringAssert.Contains(e.Message, "does not start as one");
    }

    [TestMethod]
    public void AReplayTellsTheSessionTheRoundsBitForBit()
    {
        using var dir = new TempDirectory();
        string path = dir.File("fit.checkpoint");
        Saved(path, 3);

        var rng = new SplitMix64(3);
        var features = new float[64 * (Parameters - 1)];
        for (int i = 0; i < features.Length; i++)
            features[i] = (float)rng.NextDouble();
        var labels = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
        var settings = new GradientDescentSettings { LearningRate = 1e-6f, StandardizeFeatures = false, Tolerance = 0, NumberOfEpochs = 10, BatchSize = 8 };
        var session = TrainingSession.Start(settings, new DenseDataset(features, labels, Parameters - 1), 64, 8, new LinearModel(Parameters - 1));
        Checkpoint.Load(path, "key", Parameters)!.Replay(session);

        Assert.AreEqual(4, session.Epoch);
        CollectionAssert.AreEqual(Round(3).Parameters, session.NextEpochParameters.ToArray(), "the last round's iterate, bit for bit");
    }
}
