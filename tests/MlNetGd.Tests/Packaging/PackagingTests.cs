using System.Text.Json;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Packaging;

/// <summary>Issue 14: every package carries a README, a license, tags, a version and symbols, set once in src/Directory.Build.props.</summary>
[TestClass]
public sealed class PackagingTests
{
    private static JsonElement Evaluate(string project)
    {
        ChildOutcome outcome = ChildProcess.Run("dotnet", ["msbuild", project, "-getProperty:IsPackable", "-getProperty:PackageLicenseExpression",
            "-getProperty:PackageReadmeFile", "-getProperty:PackageTags", "-getProperty:Version", "-getProperty:IncludeSymbols",
            "-getProperty:SymbolPackageFormat", "-getProperty:PublishRepositoryUrl", "-getProperty:EnableSourceLink", "-getItem:None"]);
        Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
        return JsonDocument.Parse(outcome.Output).RootElement.Clone();
    }

    [TestMethod]
    public void EveryPackableProjectCarriesReadmeLicenseTagsVersionSymbolsAndSourceLink()
    {
        string root = RepositoryRoot();
        string[] projects = Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.IsTrue(projects.Length >= 5, string.Join(", ", projects));
        foreach (string project in projects)
        {
            var evaluated = Evaluate(project);
            var p = evaluated.GetProperty("Properties");
            string name = Path.GetFileName(project);
            Assert.AreEqual("true", p.GetProperty("IsPackable").GetString(), name);
            Assert.AreEqual("MIT", p.GetProperty("PackageLicenseExpression").GetString(), name);
            Assert.AreEqual("README.md", p.GetProperty("PackageReadmeFile").GetString(), name);
            StringAssert.Contains(p.GetProperty("PackageTags").GetString(), "gradient-descent", name);
            Assert.IsFalse(string.IsNullOrEmpty(p.GetProperty("Version").GetString()) || p.GetProperty("Version").GetString() == "1.0.0", name + ": a version of our own");
            Assert.AreEqual("true", p.GetProperty("IncludeSymbols").GetString(), name);
            Assert.AreEqual("snupkg", p.GetProperty("SymbolPackageFormat").GetString(), name);
            Assert.AreEqual("true", p.GetProperty("PublishRepositoryUrl").GetString(), name + ": the repository URL comes from the git remote");
            Assert.AreNotEqual("false", p.GetProperty("EnableSourceLink").GetString(), name);
            var readme = evaluated.GetProperty("Items").GetProperty("None").EnumerateArray()
                .Where(i => i.TryGetProperty("Pack", out var pack) && pack.GetString() == "true" && i.GetProperty("FullPath").GetString() == Path.Combine(root, "README.md"));
            Assert.AreEqual(1, readme.Count(), name + ": the repository README is packed");
        }
    }
}
