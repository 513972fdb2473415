using MlNetGd.IO;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 21, items 9 and 10: a symbolically linked output is followed (the link kept, its target replaced atomically), and
/// data from a pipe is read once into a temporary copy, removed when the run ends, even by a signal.</summary>
[TestClass]
public sealed class LinkAndPipeTests
{

    [TestMethod]
    public void ASymlinkedOutIsFollowedAndTheLinkKept()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(200));
        Directory.CreateDirectory(dir.File("real"));
        File.WriteAllText(Path.Combine(dir.File("real"), "report.md"), "the previous report");
        Directory.CreateSymbolicLink(dir.File("link"), dir.File("real"));

        var (code, _, error) = Run(QuickCompare(dir.File("data.csv"), dir.File("link")));

        Assert.AreEqual(0, code, error);
        Assert.AreEqual(dir.File("real"), new DirectoryInfo(dir.File("link")).LinkTarget, "the link is kept");
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir.File("real"), "report.md")), "MlNetGd trainer comparison", "its target holds the new report");
        Assert.IsTrue(File.Exists(dir.File(".real.lock")), "the lock is the target's");
        Assert.AreEqual(0, Directory.GetDirectories(dir.Path, ".*").Length, "no staging directory is left");
    }

    [TestMethod]
    public void ASymlinkedOutFileIsFollowedAndADanglingOneCreatesItsTarget()
    {
        using var dir = new TempDirectory();
        TrainedModel(dir);
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(Path.Combine(dir.File("out"), "scores.csv"), "old");
        File.CreateSymbolicLink(dir.File("scores.csv"), Path.Combine(dir.File("out"), "scores.csv"));
        File.CreateSymbolicLink(dir.File("dangling.csv"), Path.Combine(dir.File("out"), "new.csv"));

        foreach (string output in new[] { "scores.csv", "dangling.csv" })
        {
            var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", dir.File(output));
            Assert.AreEqual(0, code, error);
            Assert.IsNotNull(new FileInfo(dir.File(output)).LinkTarget, output + " is still a link");
            StringAssert.StartsWith(File.ReadAllText(dir.File(output)), "x1,x2,x3,x4,y,Score\n", output);
        }
        StringAssert.StartsWith(File.ReadAllText(Path.Combine(dir.File("out"), "new.csv")), "x1,", "the dangling link's target was created");
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void AnOutputThatIsADeviceOrAPipeIsWrittenIntoNotReplaced()
    {
        using var dir = new TempDirectory();
        TrainedModel(dir);

        // A named pipe: the reader gets every row (a temporary renamed over it would have replaced the pipe with a file).
        Assert.AreEqual(0, Exec("mkfifo", dir.File("scores.fifo")));
        var reader = Task.Run(() => File.ReadAllText(dir.File("scores.fifo")));
        var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", dir.File("scores.fifo"));
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(101, reader.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.AreEqual(FileIdentity.FileKind.Pipe, FileIdentity.KindOf(dir.File("scores.fifo")), "still a pipe");

        // A character device such as /dev/null: main renamed a temporary file over it (as root, over /dev/null itself). The node is made
        // here, which needs root; elsewhere /dev/null is used, which only a root run could have damaged.
        string device = Exec("mknod", dir.File("null"), "c", "1", "3") == 0 ? dir.File("null") : "/dev/null";
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", device);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(FileIdentity.FileKind.CharacterDevice, FileIdentity.KindOf(device), "still a device");
        (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", "/dev/full");
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "No space left on device");
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void DataFromAPipeIsReadOnceIntoACopyThatIsRemoved()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(300));

        var train = RunShell(dir.Path, "cat data.csv | \"$1\" train --data /dev/stdin --label y --model m.zip -q");
        Assert.AreEqual(0, train.ExitCode, train.Error);
        StringAssert.Contains(train.Output, "Trained on 300 rows");

        var compare = RunShell(dir.Path, "cat data.csv | \"$1\" compare --data /dev/stdin --label y --cv 2 --trainers gd --repeats 1 -q --out r");
        Assert.AreEqual(0, compare.ExitCode, compare.Error);

        var fromFile = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"));
        var fromPipe = RunShell(dir.Path, "cat data.csv | \"$1\" predict --model m.zip --data /dev/stdin");
        Assert.AreEqual(0, fromPipe.ExitCode, fromPipe.Error);
        Assert.AreEqual(fromFile.Output, fromPipe.Output, "a piped file scores as the file does");

        Assert.AreEqual(0, Directory.GetDirectories(dir.Path, $".{InputSpool.SpoolName}.*").Length, "no copy is left in TMPDIR");
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void ANamedPipeIsCopiedAndABinaryOrEndlessDeviceIsRefusedFromItsFirstBlock()
    {
        using var dir = new TempDirectory();
        string csv = ComparisonData.Csv(50);
        Assert.AreEqual(0, Exec("mkfifo", dir.File("fifo")));
        var writer = Task.Run(() => File.WriteAllText(dir.File("fifo"), csv));
        using (var spool = InputSpool.Open(dir.File("fifo")))
        {
            Assert.IsTrue(spool.IsCopy);
            Assert.AreEqual("fifo", Path.GetFileName(spool.Path), "the copy keeps the input's name, which messages show");
            Assert.AreEqual(csv, File.ReadAllText(spool.Path));
            writer.Wait();
            Assert.IsTrue(Directory.Exists(Path.GetDirectoryName(spool.Path)));
            Assert.IsTrue(Temporaries.Current().Contains(Path.GetDirectoryName(spool.Path)!), "tracked for the signal handler");
        }
        using (var regular = InputSpool.Open(dir.File("fifo") + ".csv"))
            Assert.IsFalse(regular.IsCopy, "a path that is not a pipe is read as it is");

        var (code, _, error) = Run("train", "--data", "/dev/zero", "--label", "y", "-q", "--model", dir.File("m.zip"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "binary");
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void ASignalWhileReadingAPipeRemovesTheCopy()
    {
        using var dir = new TempDirectory();
        // The pipe's writer (descriptor 3 of the shell) stays open, so the copy is still being written when SIGTERM arrives.
        const string Script = """
            mkfifo fifo
            "$1" train --data /dev/stdin --label y --model m.zip -q < fifo 2> err.txt &
            pid=$!
            exec 3> fifo
            printf 'x,y\n1,2\n' >&3
            while [ -z "$(ls -d .mlnetgd-input.*.tmp 2> /dev/null)" ] && kill -0 $pid 2> /dev/null; do sleep 0.02; done
            sleep 0.2
            kill -TERM $pid
            wait $pid
            echo "exit $?"
            exec 3>&-
            ls -d .mlnetgd-input.*.tmp 2> /dev/null | wc -l
            """;
        var (_, output, _) = RunShell(dir.Path, Script);
        string[] lines = output.Trim().Split('\n');
        string error = File.ReadAllText(dir.File("err.txt"));
        Assert.AreEqual("exit 143", lines[0], error);   // 128 + SIGTERM
        StringAssert.Contains(error, "removed 1 unfinished temporary file(s)");
        Assert.AreEqual("0", lines[1].Trim(), "the copy is removed");
    }
}
