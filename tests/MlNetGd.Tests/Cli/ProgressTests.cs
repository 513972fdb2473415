using MlNetGd.Cli;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 14: a default compare no longer prints a line per epoch, fold and trainer.</summary>
[TestClass]
public sealed class ProgressTests
{
    [TestMethod]
    public void ARedirectedDefaultComparePrintsOneLinePerTrainerAndFold()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(300));
        var (code, _, error) = Run("compare", "--data", dir.File("data.csv"), "--label", "y", "--cv", "3", "--trainers", "gd,sdca",
            "--repeats", "1", "--epochs", "30", "--out", dir.File("r"));

        Assert.AreEqual(0, code, error);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(6, lines.Length, error);
        for (int fold = 1; fold <= 3; fold++)
        {
            foreach (string trainer in new[] { "gd", "sdca" })
                Assert.AreEqual(1, lines.Count(l => l.StartsWith($"[compare] fold {fold}/3: {trainer} RMSE ", StringComparison.Ordinal)), error);
        }
        Assert.IsFalse(error.Contains("epoch", StringComparison.Ordinal), "epochs only with --verbose");
        Assert.IsFalse(error.Contains('\r'), "no status line when stderr is not a terminal");
    }

    [TestMethod]
    public void OnATerminalEveryStepRedrawsOneStatusLineThatIsClearedAtTheEnd()
    {
        using var error = new StringWriter();
        using (var sink = ProgressSink.Create(error, "compare", quiet: false, verbose: false, (true, 40), TimeSpan.Zero))
        {
            Assert.AreEqual(ProgressMode.StatusLine, sink.Mode);
            sink.Status!("fold 1/5: gd epoch 1");
            sink.Record!("fold 1/5: gd RMSE 1.5, fit 2.0 ms");
            sink.Status!("fold 1/5: a status far too long for a terminal forty characters wide");
        }
        Assert.AreEqual(
            "\r[compare] fold 1/5: gd epoch 1\u001b[K" +
            "\r[compare] fold 1/5: gd RMSE 1.5, fit 2…\u001b[K" +
            "\r[compare] fold 1/5: a status far too l…\u001b[K" +
            "\r\u001b[K",
            error.ToString());
        Assert.IsFalse(error.ToString().Contains('\n'), "nothing scrolls");
    }

    [TestMethod]
    public void QuietVerboseAndRedirectedModesShowWhatTheyPromise()
    {
        using var error = new StringWriter();
        using (var quiet = ProgressSink.Create(error, "compare", quiet: true, verbose: true, (true, 80), TimeSpan.Zero))
            Assert.IsTrue(quiet.Record is null && quiet.Status is null);
        using (var verbose = ProgressSink.Create(error, "compare", quiet: false, verbose: true, (true, 80), TimeSpan.Zero))
        {
            verbose.Status!("epoch 1");
            verbose.Record!("gd RMSE 1");
        }
        using (var lines = ProgressSink.Create(error, "compare", quiet: false, verbose: false, (false, 0), TimeSpan.Zero))
        {
            Assert.IsNull(lines.Status);
            lines.Record!("sdca RMSE 2");
        }
        Assert.AreEqual("[compare] epoch 1\n[compare] gd RMSE 1\n[compare] sdca RMSE 2\n", error.ToString().ReplaceLineEndings("\n"));
    }
}
