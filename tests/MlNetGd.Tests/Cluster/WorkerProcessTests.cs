using System.Diagnostics;
using MlNetGd.Cli;
using MlNetGd.Tests.Cli;

namespace MlNetGd.Tests.Cluster;

/// <summary>Three real <c>mlnetgd worker</c> processes on loopback ports: <c>train --cluster</c> trains and <c>predict</c> scores with its
/// model; a worker killed with SIGKILL mid-fit ends the fit within the fault timeout with an error naming it and its shard, and no model
/// file; restarted, it rejoins and the next fit uses it.</summary>
[TestClass]
[DoNotParallelize] // four processes on a 2-core machine: alone, so the bound is about the fit, not the neighbours
public sealed class WorkerProcessTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public void WorkersTrainPredictLoseAWorkerToSigkillAndTakeItBack()
    {
        using var data = ClusterData.Write(oneHot: true, rowsPerShard: 2000, testRows: 200);
        var ports = WorkerProcess.FreePorts(6);
        string work = Path.Combine(data.Directory, "work");
        var workers = new WorkerProcess?[3];
        try
        {
            workers[0] = WorkerProcess.Start(ports[0], ports[1], null, work + "0");
            var second = Task.Run(() => WorkerProcess.Start(ports[2], ports[3], ports[0], work + "1"));
            var third = Task.Run(() => WorkerProcess.Start(ports[4], ports[5], ports[0], work + "2"));
            try
            {
                Task.WaitAll(second, third);
            }
            finally
            {
                workers[1] = second.IsCompletedSuccessfully ? second.Result : null;
                workers[2] = third.IsCompletedSuccessfully ? third.Result : null;
            }
            string cluster = string.Join(',', workers.Select(w => w!.Gateway));
            string shards = string.Join(',', data.Shards);
            string model = Path.Combine(data.Directory, "model.zip");

            var (code, output, error) = Step("the first train", () => CliHarness.Run("train", "--cluster", cluster, "--data", shards, "--label", ClusterData.Label, "--model", model, "--quiet"));
            Assert.AreEqual(CliRunner.Ok, code, error);
            StringAssert.Contains(output, "Trained on 6000 rows in 3 shards on 3 workers");
            string predictions = Path.Combine(data.Directory, "predictions.csv");
            (code, _, error) = Step("predict", () => CliHarness.Run("predict", "--model", model, "--data", data.Test, "--out", predictions));
            Assert.AreEqual(CliRunner.Ok, code, error);
            Assert.AreEqual(201, File.ReadAllLines(predictions).Length);

            // SIGKILL the second worker while the coordinator closes round 2.
            string lostModel = Path.Combine(data.Directory, "lost.zip");
            var clock = new Stopwatch();
            using var progress = new Tripwire("round 2:", () =>
            {
                workers[1]!.Kill();
                clock.Start();
            });
            using var output2 = new StringWriter();
            code = Step("the train that loses a worker", () => CliRunner.Run(["train", "--cluster", cluster, "--data", shards, "--label", ClusterData.Label,
                "--model", lostModel, "--verbose", "--epochs", "50", "--tolerance", "0", "--fault-timeout", "3"], output2, progress), progress);
            clock.Stop();
            Console.WriteLine($"the fit ended {clock.Elapsed.TotalSeconds:0.0} s after the SIGKILL (--fault-timeout 3)");
            Assert.IsTrue(progress.Tripped, "the fit got to round 2");
            Assert.AreEqual(CliRunner.UserError, code, progress.ToString());
            Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(60), $"the fit ended {clock.Elapsed} after the kill: nothing may hang");
            StringAssert.Contains(progress.ToString(), $"The worker {workers[1]!.Endpoint} was lost in round 3");
            StringAssert.Contains(progress.ToString(), data.Shards[1]);
            Assert.IsFalse(File.Exists(lostModel), "no model is written");
            Assert.IsFalse(Directory.EnumerateFiles(data.Directory, ".lost.zip.*").Any(), "nor any part of one");

            // Restarted on the same ports, the worker rejoins; the next fit trains on all three again.
            workers[1]!.Dispose();
            workers[1] = WorkerProcess.Start(ports[2], ports[3], ports[0], work + "1");
            (code, output, error) = Step("the train after the restart", () => CliHarness.Run("train", "--cluster", cluster, "--data", shards, "--label", ClusterData.Label, "--model", lostModel, "--quiet"));
            Assert.AreEqual(CliRunner.Ok, code, error);
            StringAssert.Contains(output, "3 shards on 3 workers");
        }
        finally
        {
            foreach (var worker in workers)
                worker?.Dispose();
        }
    }

    [TestMethod]
    [Timeout(TestClusters.TestTimeout)]
    public void AWorkerStoppedBySigtermSaysItLeavesTheClusterAndRemovesOnlyItsOwnOrphans()
    {
        string work = Path.Combine(Path.GetTempPath(), $"mlnetgd-worker-sigterm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            // A cache file of a worker that was killed outright (its process is gone), and a user's file that only looks like one.
            int dead = DeadProcessId();
            string orphan = Path.Combine(work, $"shard-{Guid.NewGuid():N}-0-{dead}.cache");
            string users = Path.Combine(work, $"myshard-{dead}.cache");
            File.WriteAllText(orphan, "left by a killed worker");
            File.WriteAllText(users, "not the worker's");
            var ports = WorkerProcess.FreePorts(2);
            using var worker = WorkerProcess.Start(ports[0], ports[1], null, work);
            Assert.IsFalse(File.Exists(orphan), "the killed worker's cache file is removed at start");
            Assert.IsTrue(File.Exists(users), "a file not named exactly as a worker names its cache files is left alone");

            var (code, output, error) = worker.Terminate();
            Assert.AreEqual(CliRunner.Ok, code, error);
            StringAssert.Contains(error, "mlnetgd worker: SIGTERM: leaving the cluster");
            Assert.IsFalse(error.Contains("stopped by", StringComparison.Ordinal), error);
            StringAssert.Contains(output, "mlnetgd worker: left the cluster.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Runs one step of the scenario with its own bound, so a step that hangs fails the test naming it (and what it wrote so far).
    private static T Step<T>(string name, Func<T> step, StringWriter? log = null)
    {
        var task = Task.Run(step);
        if (!task.Wait(StepTimeout))
            Assert.Fail($"{name} did not end within {StepTimeout.TotalSeconds:0} s. {log}");
        return task.Result;
    }

    private static int DeadProcessId()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }

    /// <summary>Captures the CLI's stderr and runs an action once, the first time a text appears in it.</summary>
    private sealed class Tripwire(string text, Action action) : StringWriter
    {
        public bool Tripped { get; private set; }

        public override void Write(char value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Check();
        }

        private void Check()
        {
            if (Tripped || !GetStringBuilder().ToString().Contains(text, StringComparison.Ordinal))
                return;
            Tripped = true;
            action();
        }
    }
}
