using System.Globalization;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

[TestClass]
public sealed class ModelCommandTests
{
    [TestMethod]
    public void TrainThenPredictScoresEveryRow()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(400));
        var (code, output, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", dir.File("model.zip"), "--verbose");
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Trained on 400 rows, 4 columns (x1, x2, x3, x4), label 'y'.");
        StringAssert.Contains(error, "[train] epoch 1:");

        // Scoring data without the label column works: the model needs only the features.
        string[] lines = File.ReadAllLines(dir.File("data.csv"));
        File.WriteAllLines(dir.File("new.csv"), lines.Select(l => l[..l.LastIndexOf(',')]));
        (code, _, error) = Run("predict", "--model", dir.File("model.zip"), "--data", dir.File("new.csv"), "--out", dir.File("scores.csv"));
        Assert.AreEqual(0, code, error);
        string[] scored = File.ReadAllLines(dir.File("scores.csv"));
        Assert.AreEqual("x1,x2,x3,x4,Score", scored[0]);
        Assert.AreEqual(401, scored.Length);
        double squared = 0, total = 0, mean = lines.Skip(1).Average(Label);
        for (int i = 1; i < scored.Length; i++)
        {
            double score = double.Parse(scored[i][(scored[i].LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture);
            squared += Math.Pow(score - Label(lines[i]), 2);
            total += Math.Pow(Label(lines[i]) - mean, 2);
        }
        Assert.IsTrue(1 - squared / total > 0.95, $"R² {1 - squared / total}");

        (code, output, _) = Run("predict", "--model", dir.File("model.zip"), "--data", dir.File("new.csv"));
        Assert.AreEqual(0, code);
        Assert.AreEqual(string.Join('\n', scored) + "\n", output, "without --out the rows go to standard output");
    }

    private static double Label(string line) => double.Parse(line[(line.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture);

    [TestMethod]
    public void ACorruptedModelIsAUserErrorWithAClearMessage()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(100));
        Assert.AreEqual(0, Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", dir.File("model.zip"), "-q").ExitCode);
        byte[] model = File.ReadAllBytes(dir.File("model.zip"));
        File.WriteAllBytes(dir.File("truncated.zip"), model[..(model.Length / 2)]);
        File.WriteAllText(dir.File("garbage.zip"), "this is not a zip file");

        foreach (string bad in new[] { "truncated.zip", "garbage.zip" })
        {
            var (code, _, error) = Run("predict", "--model", dir.File(bad), "--data", dir.File("data.csv"));
            Assert.AreEqual(1, code, bad);
            StringAssert.Contains(error, "could not be read: it is truncated, corrupted or not an ML.NET model", bad);
        }
        var missing = Run("predict", "--model", dir.File("none.zip"), "--data", dir.File("data.csv"));
        Assert.AreEqual(1, missing.ExitCode);
        StringAssert.Contains(missing.Error, "does not exist");
    }

    [TestMethod]
    public void PredictNamesMissingFeatureColumns()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(100));
        Assert.AreEqual(0, Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", dir.File("m.zip"), "-q").ExitCode);
        File.WriteAllText(dir.File("other.csv"), "x1,x2,y\n1,2,3\n");
        var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("other.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "x3");
        StringAssert.Contains(error, "Its columns are: 'x1', 'x2', 'y'.");
    }

    [TestMethod]
    public void TrainIntoAMissingDirectoryIsAUserError()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(50));
        var (code, _, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", Path.Combine(dir.Path, "no", "model.zip"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(error, "does not exist");
        Assert.IsFalse(Directory.Exists(Path.Combine(dir.Path, "no")));
    }

    [TestMethod]
    public void DataSynthReproducesTheBundledFileByteForByte()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = Run("data", "synth", "--out", dir.File("houses.csv"));
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "Wrote 1000 rows");
        byte[] bundled = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "data", "houses.csv"));
        CollectionAssert.AreEqual(bundled, File.ReadAllBytes(dir.File("houses.csv")));
        Assert.IsTrue(bundled.Length < 200_000);

        Assert.AreEqual(0, Run("data", "synth", "--rows", "10", "--seed", "1", "--out", dir.File("small.csv")).ExitCode);
        Assert.AreEqual(11, File.ReadAllLines(dir.File("small.csv")).Length);
    }
}
