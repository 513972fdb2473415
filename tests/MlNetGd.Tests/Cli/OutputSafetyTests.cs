using System.Diagnostics;
using MlNetGd.Data;
using MlNetGd.IO;
using MlNetGd.Reports;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 14: a report directory or an output file is whole or absent, whatever happens to the run that writes it.</summary>
[TestClass]
public sealed class OutputSafetyTests
{
    private static (int ExitCode, string Output, string Error) Compare(TempDirectory dir, string trainers) =>
        Run(QuickCompare(dir.File("data.csv"), dir.File("r"), trainers));

    [TestMethod]
    public void ARerunWithFewerTrainersLeavesNoChartOfThePreviousRun()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        Assert.AreEqual(0, Compare(dir, "gd,sdca").ExitCode);
        Assert.IsTrue(File.Exists(Path.Combine(dir.File("r"), "predicted-vs-actual-sdca.png")));

        var (code, _, error) = Compare(dir, "gd");

        Assert.AreEqual(0, code, error);
        CollectionAssert.AreEquivalent(
            new[] { "cost-per-epoch.png", "metrics.png", "predicted-vs-actual-gd.png", "report.html", "report.md", "results.json" },
            Directory.GetFileSystemEntries(dir.File("r")).Select(Path.GetFileName).ToArray());
        Assert.AreEqual(0, Directory.GetDirectories(dir.Path, ".r.*").Length, "no temporary or old directory is left beside the report");
    }

    [TestMethod]
    public void ASecondRunOnADirectoryAnotherRunHoldsIsRefusedAndChangesNothing()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        Assert.AreEqual(0, Compare(dir, "gd").ExitCode);
        byte[] before = File.ReadAllBytes(Path.Combine(dir.File("r"), "results.json"));

        using (ReportWriter.Begin(dir.File("r")))   // the first run, still going
        {
            var (code, _, error) = Compare(dir, "sdca");
            Assert.AreEqual(1, code, error);
            StringAssert.Contains(error, "Another run is writing");
            StringAssert.Contains(error, ".r.lock");
        }
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(dir.File("r"), "results.json")));
        Assert.IsFalse(File.Exists(Path.Combine(dir.File("r"), "predicted-vs-actual-sdca.png")));
        Assert.AreEqual(0, Compare(dir, "sdca").ExitCode, "the lock is released when the first run ends");
    }

    [TestMethod]
    public void LeftoversOfAKilledRunAreRemovedWhenTheNextRunStarts()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        Assert.AreEqual(0, Compare(dir, "gd").ExitCode);
        Directory.CreateDirectory(dir.File($".r.{Hex}.tmp"));
        File.WriteAllText(Path.Combine(dir.File($".r.{Hex}.tmp"), "metrics.png"), "half a run");
        Directory.CreateDirectory(dir.File($".r.{Hex}.old"));
        File.WriteAllText(Path.Combine(dir.File("r"), $".results.json.{Hex}.tmp"), "what an older version left when killed");

        var (code, _, error) = Compare(dir, "gd");

        Assert.AreEqual(0, code, error);
        Assert.AreEqual(0, Directory.GetDirectories(dir.Path, ".r.*").Length);
        Assert.AreEqual(0, Directory.GetFiles(dir.File("r"), "*.tmp").Length);
    }

    [TestMethod]
    public void AnOutputDirectoryHoldingOtherFilesIsRefusedAndKept()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        Directory.CreateDirectory(dir.File("r"));
        File.WriteAllText(Path.Combine(dir.File("r"), "thesis.docx"), "not a report");

        var (code, _, error) = Compare(dir, "gd");

        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "holds 'thesis.docx'");
        Assert.IsTrue(File.Exists(Path.Combine(dir.File("r"), "thesis.docx")));
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void SigintDuringCompareRemovesItsTemporaryDirectoryAndKeepsThePreviousReport()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("big.csv"), HousePrices.ToCsv(100_000, 1));
        Directory.CreateDirectory(dir.File("r"));
        File.WriteAllText(Path.Combine(dir.File("r"), "report.md"), "the previous report");

        // A shell starts the run, waits for its temporary directory, sends SIGINT and reports the exit status. (The test host itself
        // cannot signal its children in every sandbox; env restores SIGINT's default, which background jobs and test hosts ignore.)
        const string Script = """
            env --default-signal=INT "$1" compare --data "$2" --cv 5 --repeats 3 -q --out "$3/r" 2> "$3/stderr.txt" &
            pid=$!
            while [ -z "$(ls -d "$3"/.r.*.tmp 2> /dev/null)" ] && kill -0 $pid 2> /dev/null; do sleep 0.02; done
            kill -INT $pid
            wait $pid
            echo "exit $?"
            """;
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", Script, "sh", Path.Combine(AppContext.BaseDirectory, "mlnetgd"), dir.File("big.csv"), dir.Path },
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(120_000));
        string error = File.ReadAllText(dir.File("stderr.txt"));

        Assert.AreEqual("exit 130", output.Trim().Split('\n')[^1], error);   // 128 + SIGINT: the signal ended the run (after the plan it printed)
        StringAssert.Contains(error, "stopped by SIGINT; removed 1 unfinished temporary file(s)");
        Assert.AreEqual(0, Directory.GetDirectories(dir.Path, ".r.*").Length, "the temporary directory is removed");
        Assert.AreEqual("the previous report", File.ReadAllText(Path.Combine(dir.File("r"), "report.md")));
        CollectionAssert.AreEqual(new[] { "report.md" }, Directory.GetFileSystemEntries(dir.File("r")).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void AtomicFileRemovesTemporariesOfKilledWritersButNotThoseOfLiveOnes()
    {
        using var dir = new TempDirectory();
        string orphan = dir.File($".scores.csv.{Hex}.tmp");
        string live = dir.File($".scores.csv.{Hex.Replace('0', '1')}.tmp");
        File.WriteAllText(orphan, "left by a killed predict");
        using (var writer = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            AtomicFile.WriteAllText(dir.File("scores.csv"), "x,Score\n");
            Assert.IsFalse(File.Exists(orphan), "nobody holds it: its writer is gone");
            Assert.IsTrue(File.Exists(live), "a live writer holds it");
        }
        Assert.AreEqual("x,Score\n", File.ReadAllText(dir.File("scores.csv")));
    }

    [TestMethod]
    public void AnAtomicWriteIsTrackedForTheSignalHandlerUntilItIsRenamed()
    {
        using var dir = new TempDirectory();
        string? seen = null;
        AtomicFile.Write(dir.File("scores.csv"), stream =>
        {
            seen = Temporaries.Current().Single(p => p.StartsWith(dir.File(".scores.csv."), StringComparison.Ordinal));
            Assert.IsTrue(File.Exists(seen));
            stream.WriteByte(1);
        });
        Assert.IsFalse(File.Exists(seen));
        Assert.IsFalse(Temporaries.Current().Contains(seen!), "no longer tracked once renamed");
    }

    [TestMethod]
    public void PredictRefusesToWriteIntoItsInputFile()
    {
        using var dir = new TempDirectory();
        TrainedModel(dir);
        string before = File.ReadAllText(dir.File("data.csv"));
        File.CreateSymbolicLink(dir.File("link.csv"), dir.File("data.csv"));

        foreach (string output in new[] { dir.File("data.csv"), Path.Combine(dir.Path, ".", "sub", "..", "data.csv"), dir.File("link.csv") })
        {
            var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", output);
            Assert.AreEqual(2, code, output);
            StringAssert.Contains(error, "is the same file as --data", output);
        }
        Assert.AreEqual(before, File.ReadAllText(dir.File("data.csv")));
    }

    [TestMethod]
    public void AnOutputPathIsCheckedBeforeAnyWorkByTheOneCheckAndTheMessageNamesItsOption()
    {
        using var dir = new TempDirectory();
        TrainedModel(dir);
        string missing = Path.Combine(dir.Path, "no-such-directory");

        var (code, _, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", dir.Path, "-q");
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, $"--model '{dir.Path}' is a directory; give a file name.");
        Assert.IsFalse(error.Contains("(Parameter '"), error);

        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", Path.Combine(missing, "scores.csv"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, $"Cannot write --out '{Path.Combine(missing, "scores.csv")}': the directory '{missing}' does not exist; create it first.");
        Assert.IsFalse(Directory.Exists(missing));
    }
}
