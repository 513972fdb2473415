using System.Diagnostics;
using MlNetGd.IO;
using MlNetGd.Reports;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 21, item 3: cleanup deletes only what is provably dead: the exact temporaries of its own output (never those of an
/// output its name is a prefix of, never a glob's match), and only when their owner (process id and start time) is not running.</summary>
[TestClass]
public sealed class LeftoverCleanupTests
{
    private static string[] Compare(TempDirectory dir, string output) => QuickCompare(dir.File("data.csv"), output);

    /// <summary>An owner that is provably dead: a process that has exited.</summary>
    private static ProcessOwner DeadOwner()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 0"]))!;
        process.WaitForExit();
        return new ProcessOwner(process.Id, 1);
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void ARunDoesNotDeleteTheLiveStagingOfAnOutputItsNameIsAPrefixOf()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));

        // The first run (this process) is writing rep.b; a second process writes rep, whose leftover cleanup used to match ".rep.*".
        using (var first = ReportWriter.Begin(dir.File("rep.b")))
        {
            File.WriteAllText(Path.Combine(first.Staging, "report.md"), "the first run's report");
            var (code, _, error) = RunShell(dir.Path, "tool=\"$1\"; shift; \"$tool\" \"$@\"", Compare(dir, dir.File("rep")));
            Assert.AreEqual(0, code, error);
            Assert.IsTrue(File.Exists(Path.Combine(first.Staging, "report.md")), "the live staging directory of rep.b is untouched");
            first.Commit();
        }
        Assert.AreEqual("the first run's report", File.ReadAllText(Path.Combine(dir.File("rep.b"), "report.md")));
        Assert.IsTrue(File.Exists(Path.Combine(dir.File("rep"), "report.md")));
    }

    [TestMethod]
    public void ADeadRunsStagingIsRemovedOnlyByTheNextRunOfTheSameOutput()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        string deadOfRepB = dir.File($".rep.b.{DeadOwner()}.{Hex}.tmp");
        Directory.CreateDirectory(deadOfRepB);

        Assert.AreEqual(0, Run(Compare(dir, dir.File("rep"))).ExitCode);
        Assert.IsTrue(Directory.Exists(deadOfRepB), "rep's run leaves rep.b's leftovers alone, dead or not");

        Assert.AreEqual(0, Run(Compare(dir, dir.File("rep.b"))).ExitCode);
        Assert.IsFalse(Directory.Exists(deadOfRepB), "rep.b's own next run removes them");
    }

    [TestMethod]
    public void GlobCharactersInOutAreMatchedAsTextNotAsAPattern()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        var dead = DeadOwner();
        string deadOfRep = dir.File($".rep.{dead}.{Hex}.tmp");
        string deadOfRepCsv = dir.File($".rep.csv.{dead}.{Hex}.tmp");
        Directory.CreateDirectory(deadOfRep);
        File.WriteAllText(deadOfRepCsv, "a dead writer's temporary of rep.csv");

        foreach (string output in new[] { "re*", "r?p", "*" })
        {
            var (code, _, error) = Run(Compare(dir, dir.File(output)));
            Assert.AreEqual(0, code, output + ": " + error);
            Assert.AreEqual(0, Run("data", "synth", "--rows", "10", "--out", dir.File(output + ".csv")).ExitCode, output);
        }
        Assert.IsTrue(Directory.Exists(deadOfRep), "'re*', 'r?p' and '*' are names, not patterns matching rep");
        Assert.IsTrue(File.Exists(deadOfRepCsv), "nor are 're*.csv', 'r?p.csv' and '*.csv' patterns matching rep.csv");
    }

    [TestMethod]
    public void ALiveOwnersTemporariesAreKeptAndAReusedProcessIdIsNotTakenForTheOwner()
    {
        using var dir = new TempDirectory();
        string target = dir.File("scores.csv");
        var me = ProcessOwner.Current;
        string live = dir.File($".scores.csv.{me}.{Hex}.tmp");
        string reused = dir.File($".scores.csv.{me.ProcessId}-{me.StartTime + 1}.{Hex}.tmp");   // this process id, another start
        string dead = dir.File($".scores.csv.{DeadOwner()}.{Hex}.tmp");
        string older = dir.File($".scores.csv.{Hex}.tmp");   // an older version's name: no owner, nobody holds it
        foreach (string path in new[] { live, reused, dead, older })
            File.WriteAllText(path, "left");

        AtomicFile.WriteAllText(target, "x,Score\n");

        Assert.IsTrue(File.Exists(live), "its owner (this process) is running");
        Assert.IsFalse(File.Exists(reused), "the process with that id started at another time: the owner is gone");
        Assert.IsFalse(File.Exists(dead));
        Assert.IsFalse(File.Exists(older), "no owner recorded, and no writer holds it");
        Assert.IsTrue(ProcessOwner.Current.IsAlive);
        Assert.IsFalse(DeadOwner().IsAlive);
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void AZombieOwnerIsDead()
    {
        // The shell starts a child that exits soon, then becomes sleep, which never reaps it: the child stays a zombie.
        using var parent = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 0.3 & echo $!; exec sleep 20"]) { RedirectStandardOutput = true })!;
        try
        {
            int zombie = int.Parse(parent.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
            string stat = "";
            for (int i = 0; i < 200 && !stat.Contains(") Z ", StringComparison.Ordinal); i++, Thread.Sleep(10))
                stat = File.ReadAllText($"/proc/{zombie}/stat");
            StringAssert.Contains(stat, ") Z ", "the child is a zombie");
            long start = long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], System.Globalization.CultureInfo.InvariantCulture);
            Assert.IsFalse(new ProcessOwner(zombie, start).IsAlive, "a zombie has exited: its temporaries are leftovers (a container's init may reap it late)");
        }
        finally
        {
            parent.Kill();
        }
    }

    [TestMethod]
    public void AnOutputNameTooLongForATemporaryBesideItIsStillWritten()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(100));
        string model = new('m', 240), report = new('r', 250), other = new string('m', 239) + "n";
        var (code, _, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "-q", "--model", dir.File(model));
        Assert.AreEqual(0, code, error);
        (code, _, error) = Run(Compare(dir, dir.File(report)));
        Assert.AreEqual(0, code, error);
        Assert.IsTrue(File.Exists(Path.Combine(dir.File(report), "report.md")));

        // Names too long to take the owner and the hex digits are shortened with a hash: still one target's own, never another's.
        string stem = TemporaryNames.Stem(model);
        Assert.IsTrue(System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(TemporaryNames.For(dir.File(model)))) <= AtomicFile.MaxFileNameBytes);
        Assert.AreNotEqual(stem, TemporaryNames.Stem(other));
        Assert.AreEqual("short.csv", TemporaryNames.Stem("short.csv"));
        File.WriteAllText(TemporaryNames.For(dir.File(other)), "");
        Assert.AreEqual(0, TemporaryNames.Of(dir.File(model), directories: false).Count());

        (code, _, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "-q", "--model", dir.File(new string('m', 252) + ".zip"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "its file name is 256 bytes long; a file name holds at most 255 bytes");
    }

    [TestMethod]
    public void TemporaryNamesRecordTheOwnerAndBelongToExactlyOneTarget()
    {
        using var dir = new TempDirectory();
        string name = Path.GetFileName(TemporaryNames.For(dir.File("rep")));
        StringAssert.StartsWith(name, $".rep.{ProcessOwner.Current}.");
        Assert.IsTrue(AtomicFile.IsTemporaryName(name));
        File.WriteAllText(dir.File(name), "");
        File.WriteAllText(dir.File($".rep.b.{ProcessOwner.Current}.{Hex}.tmp"), "");
        File.WriteAllText(dir.File($".rep.x{Hex}.tmp"), "");
        CollectionAssert.AreEqual(new[] { dir.File(name) }, TemporaryNames.Of(dir.File("rep"), directories: false).Select(t => t.Path).ToArray());
    }
}
