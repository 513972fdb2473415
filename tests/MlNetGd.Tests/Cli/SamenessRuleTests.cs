using MlNetGd.Cli.Commands;
using MlNetGd.IO;
using MlNetGd.Tests.Comparison;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Cli;

/// <summary>Issue 21, items 1 and 2 and the sameness rule: no output may be an input (same path, ./x/.., a symbolic or a hard link), nor
/// another output, and a replaced directory may hold no input. Exit 2 naming both options, before any work, inputs untouched.</summary>
[TestClass]
public sealed class SamenessRuleTests
{
    /// <summary>The ways of naming <paramref name="file"/> again: itself, through ./sub/.., a symbolic link and a hard link.</summary>
    private static string[] OtherNames(TempDirectory dir, string file)
    {
        Directory.CreateDirectory(dir.File("sub"));
        File.CreateSymbolicLink(dir.File("symlink-" + file), dir.File(file));
        var names = new List<string> { dir.File(file), Path.Combine(dir.Path, ".", "sub", "..", file), dir.File("symlink-" + file) };
        if (OperatingSystem.IsLinux())
        {
            Assert.AreEqual(0, Exec("ln", dir.File(file), dir.File("hardlink-" + file)));
            names.Add(dir.File("hardlink-" + file));
        }
        return [.. names];
    }

    [TestMethod]
    public void TrainModelEqualToDataIsRefusedAndTheDataKept()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("data.csv"), ComparisonData.Csv(100));
        string before = File.ReadAllText(dir.File("data.csv"));

        foreach (string model in OtherNames(dir, "data.csv"))
        {
            var (code, output, error) = Run("train", "--data", dir.File("data.csv"), "--label", "y", "--model", model, "-q");
            Assert.AreEqual(2, code, model + ": " + output + error);
            StringAssert.Contains(error, $"--model '{model}' is the same file as --data '{dir.File("data.csv")}'", model);
            Assert.AreEqual(before, File.ReadAllText(dir.File("data.csv")), model);
        }
        Assert.AreEqual(0, Directory.GetFiles(dir.Path, ".*").Length, "nothing was started: no temporary file");
    }

    [TestMethod]
    public void TrainModelEqualToTheBundledDefaultDataIsRefused()
    {
        // With no --data, train reads data/houses.csv (from the current directory, else beside the tool); a --model naming that
        // file is the same mistake.
        string bundled = File.Exists("data/houses.csv") ? "data/houses.csv" : Path.Combine(AppContext.BaseDirectory, "data", "houses.csv");
        Assert.IsTrue(File.Exists(bundled), bundled);
        var parse = MlNetGd.Cli.CliRunner.CreateRoot().Parse(["train", "--model", bundled]);
        Assert.AreEqual(1, parse.Errors.Count);
        StringAssert.Contains(parse.Errors[0].Message, $"--model '{bundled}' is the same file as --data");
    }

    [TestMethod]
    public void PredictOutEqualToModelIsRefusedAndTheModelKept()
    {
        using var dir = new TempDirectory();
        TrainedModel(dir);
        byte[] model = File.ReadAllBytes(dir.File("m.zip"));

        foreach (string output in OtherNames(dir, "m.zip"))
        {
            var (code, _, error) = Run("predict", "--model", dir.File("m.zip"), "--data", dir.File("data.csv"), "--out", output);
            Assert.AreEqual(2, code, output + ": " + error);
            StringAssert.Contains(error, $"--out '{output}' is the same file as --model '{dir.File("m.zip")}'", output);
            CollectionAssert.AreEqual(model, File.ReadAllBytes(dir.File("m.zip")), output);
        }
    }

    [TestMethod]
    public void CompareOutThatIsTheDataFileOrHoldsItIsRefused()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("r"));
        // results.json is a name a report holds, so the report directory would be replaced with the data inside it.
        File.WriteAllText(Path.Combine(dir.File("r"), "results.json"), ComparisonData.Csv(100));
        string data = Path.Combine(dir.File("r"), "results.json");

        var (code, _, error) = Run("compare", "--data", data, "--label", "y", "-q", "--out", dir.File("r"));
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, $"--data '{data}' is inside --out '{dir.File("r")}', which the run replaces as a whole");

        (code, _, error) = Run("compare", "--data", data, "--label", "y", "-q", "--out", data);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "is the same file as --data");
        Assert.AreEqual(ComparisonData.Csv(100), File.ReadAllText(data));
        Assert.IsFalse(File.Exists(dir.File(".r.lock")), "refused before the lock is taken");
    }

    [TestMethod]
    public void TwoOutputsThatAreTheSameFileAreRefusedNamingBoth()
    {
        // No command has two outputs today; the rule covers them (a cache file beside a model, say) for when one does.
        using var dir = new TempDirectory();
        string problem = PathRules.Problem([("--model", dir.File("m.zip"), PathRules.Role.OutputFile), ("--cache-file", Path.Combine(dir.Path, ".", "m.zip"), PathRules.Role.OutputFile)])!;
        StringAssert.Contains(problem, $"--model '{dir.File("m.zip")}' and --cache-file");
        StringAssert.Contains(problem, "are the same file");
        problem = PathRules.Problem([("--out", dir.Path, PathRules.Role.OutputDirectory), ("--model", dir.File("m.zip"), PathRules.Role.OutputFile)])!;
        StringAssert.Contains(problem, "is inside --out");
        Assert.IsNull(PathRules.Problem([("--model", dir.File("a.zip"), PathRules.Role.OutputFile), ("--data", dir.File("b.csv"), PathRules.Role.Input)]));
    }

    [TestMethod]
    public void FileIdentityFollowsLinksInEveryComponentAndKnowsHardLinks()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("real"));
        File.WriteAllText(Path.Combine(dir.File("real"), "x.csv"), "a\n1\n");
        Directory.CreateSymbolicLink(dir.File("linkdir"), dir.File("real"));
        string viaLink = Path.Combine(dir.File("linkdir"), "x.csv");

        Assert.AreEqual(Path.Combine(dir.File("real"), "x.csv"), FileIdentity.Canonical(viaLink));
        // linkdir/.. is the parent of real's target (the same directory here), not lexically dir: both agree, and so must Canonical.
        Assert.AreEqual(FileIdentity.Canonical(dir.File("real")), FileIdentity.Canonical(Path.Combine(dir.File("linkdir"), "..", "real")));
        Assert.IsTrue(FileIdentity.Same(viaLink, Path.Combine(dir.File("real"), "x.csv")));
        Assert.IsTrue(FileIdentity.Same(Path.Combine(dir.File("linkdir"), "missing.csv"), Path.Combine(dir.File("real"), "missing.csv")), "paths that do not exist yet");
        Assert.IsFalse(FileIdentity.Same(viaLink, Path.Combine(dir.File("real"), "y.csv")));
        Assert.IsTrue(FileIdentity.IsWithin(viaLink, dir.File("real")));
        Assert.IsFalse(FileIdentity.IsWithin(dir.File("real"), dir.File("linkdir2")));

        File.CreateSymbolicLink(dir.File("loop1"), dir.File("loop2"));
        File.CreateSymbolicLink(dir.File("loop2"), dir.File("loop1"));
        var loop = Assert.ThrowsExactly<IOException>(() => FileIdentity.Canonical(dir.File("loop1")));
        StringAssert.Contains(loop.Message, "symbolic links");
    }
}
