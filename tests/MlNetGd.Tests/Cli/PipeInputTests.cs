using MlNetGd.IO;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>The pipe cases issue 21's trial left open (RELIABILITY.md, E-cases): <c>/dev/stdin</c> with standard input closed, and
/// messages about piped data naming the input as the user gave it rather than its temporary copy.</summary>
[TestClass]
public sealed class PipeInputTests
{
    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void DevStdinWithStdinClosedIsRefusedInsteadOfWaitingForever()
    {
        using var dir = new TempDirectory();
        // With descriptor 0 closed, the runtime's own pipe takes it: reading /dev/stdin then waited for a writer that never closes.
        var (code, output, error) = RunShell(dir.Path, "timeout 120 \"$1\" train --data /dev/stdin --label y --model m.zip -q <&-; echo \"exit $?\"");
        Assert.AreEqual(0, code, error);
        Assert.AreEqual("exit 1", output.Trim(), error);
        StringAssert.Contains(error, "error: '/dev/stdin' is a pipe that nothing else writes to");
        StringAssert.Contains(error, "was standard input closed?");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
        Assert.AreEqual(0, Directory.GetDirectories(dir.Path, $".{InputSpool.SpoolName}.*").Length, "no copy is left");
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void MessagesAboutAPipedFileNameWhatTheUserGaveNotTheTemporaryCopy()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(100));
        File.WriteAllText(dir.File("big.csv"), "x,y\n1,2\n3,4\n1e308,5\n6,7\n");

        var unknownLabel = RunShell(dir.Path, "cat data.csv | \"$1\" train --data /dev/stdin --label price --model m.zip -q");
        var badCell = RunShell(dir.Path, "cat big.csv | \"$1\" train --data /dev/stdin --label y --model m.zip -q");
        var verbose = RunShell(dir.Path, "cat data.csv | \"$1\" train --data /dev/stdin --label y --model m.zip --verbose");
        var predict = RunShell(dir.Path, "\"$1\" train --data data.csv --label y --model m.zip -q && cat big.csv | \"$1\" predict --model m.zip --data /dev/stdin");

        StringAssert.Contains(unknownLabel.Error, "The label column 'price' is not in '/dev/stdin'.");
        StringAssert.Contains(badCell.Error, "error: /dev/stdin, line 4, column 'x': '1e308' is too large");
        StringAssert.Contains(verbose.Error, "read '/dev/stdin': 100 rows");
        StringAssert.Contains(predict.Error, "'/dev/stdin' lacks the model's column(s)");
        foreach (string text in new[] { unknownLabel.Error, badCell.Error, verbose.Error, predict.Error })
            Assert.IsFalse(text.Contains(InputSpool.SpoolName, StringComparison.Ordinal), text);
    }
}
