using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using static MlNetGd.Tests.Cli.CliHarness;

namespace MlNetGd.Tests.Packaging;

/// <summary>Issue 20: every <c>#r "nuget: Name, Version"</c> in scripts/ and notebooks/, and every versioned install line in the docs,
/// asks for the version this repository gives: for MlNetGd.* the one <c>dotnet pack</c> gives (VersionPrefix in src/Directory.Build.props,
/// set once), for any other package the one Directory.Packages.props pins. Scripts that asked for 1.0.0 while packing gave 0.1.0 failed
/// to restore under dotnet-script (NU1102) and no test saw it.</summary>
[TestClass]
public sealed partial class NuGetDirectiveVersionTests
{
    [TestMethod]
    public void EveryNuGetDirectiveAndInstallLineAsksForTheVersionTheRepositoryGives()
    {
        string root = RepositoryRoot();
        Dictionary<string, (string Version, string Source)> expected = PackedVersions(root);
        foreach (var (id, version) in PinnedVersions(root))
            expected.TryAdd(id, (version, "Directory.Packages.props"));
        var references = Scripts(root).Concat(Notebooks(root)).Concat(Docs(root)).ToList();

        Assert.IsGreaterThanOrEqualTo(3, references.Count(r => r.Id.StartsWith("MlNetGd.", StringComparison.Ordinal) && r.File.StartsWith("scripts", StringComparison.Ordinal)),
            "the scripts' MlNetGd directives were found: " + string.Join(", ", references));
        Assert.IsGreaterThanOrEqualTo(2, references.Count(r => r.Id.StartsWith("MlNetGd.", StringComparison.Ordinal) && r.File.StartsWith("notebooks", StringComparison.Ordinal)),
            "the notebooks' MlNetGd directives were found: " + string.Join(", ", references));
        var problems = new List<string>();
        foreach (var r in references)
        {
            if (r.Version is null)
                problems.Add($"{r.File}:{r.Line}: {r.Id} has no version; give the one the repository builds so a restore cannot take another.");
            else if (!expected.TryGetValue(r.Id, out var want))
                problems.Add($"{r.File}:{r.Line}: {r.Id} {r.Version} is neither packed from src/ nor pinned in Directory.Packages.props.");
            else if (r.Version != want.Version)
                problems.Add($"{r.File}:{r.Line}: {r.Id} {r.Version}, but {want.Source} gives {want.Version}.");
        }
        Assert.IsEmpty(problems, string.Join("\n", problems));
    }

    /// <summary>Package id → the version <c>dotnet pack</c> gives, for every packable project under src/ (MSBuild evaluates it).</summary>
    private static Dictionary<string, (string Version, string Source)> PackedVersions(string root)
    {
        var packed = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        string[] projects = Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories);
        var evaluated = projects.AsParallel().Select(project =>
        {
            ChildOutcome outcome = ChildProcess.Run("dotnet", ["msbuild", project, "-getProperty:PackageId", "-getProperty:PackageVersion", "-getProperty:IsPackable"]);
            Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
            return JsonDocument.Parse(outcome.Output).RootElement.GetProperty("Properties").Clone();
        }).ToList();
        foreach (var p in evaluated.Where(p => p.GetProperty("IsPackable").GetString() == "true"))
            packed[p.GetProperty("PackageId").GetString()!] = (p.GetProperty("PackageVersion").GetString()!, "dotnet pack (src/Directory.Build.props VersionPrefix)");
        Assert.IsGreaterThanOrEqualTo(5, packed.Count, string.Join(", ", packed.Keys));
        return packed;
    }

    private static IEnumerable<(string Id, string Version)> PinnedVersions(string root) =>
        XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Select(e => ((string)e.Attribute("Include")!, (string)e.Attribute("Version")!));

    private static IEnumerable<Reference> Scripts(string root) =>
        Directory.GetFiles(Path.Combine(root, "scripts"), "*.csx", SearchOption.AllDirectories)
            .SelectMany(file => Find(Path.GetRelativePath(root, file), File.ReadAllLines(file), Directive()));

    private static IEnumerable<Reference> Notebooks(string root)
    {
        string folder = Path.Combine(root, "notebooks");
        foreach (string file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ipynb", SearchOption.AllDirectories) : [])
        {
            using var notebook = JsonDocument.Parse(File.ReadAllBytes(file));
            var cells = notebook.RootElement.GetProperty("cells").EnumerateArray().ToList();
            for (int c = 0; c < cells.Count; c++)
            {
                if (cells[c].GetProperty("cell_type").GetString() != "code")
                    continue;
                string[] lines = string.Concat(cells[c].GetProperty("source").EnumerateArray().Select(l => l.GetString())).Split('\n');
                foreach (var reference in Find($"{Path.GetRelativePath(root, file)} (cell {c + 1})", lines, Directive()))
                    yield return reference;
            }
        }
    }

    /// <summary>The repository's Markdown: versioned directives shown in examples (<c>#r "nuget: Name"</c> alone describes the syntax),
    /// and <c>dotnet add package</c> / <c>dotnet tool install</c> lines.</summary>
    private static IEnumerable<Reference> Docs(string root) =>
        Directory.GetFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git"))
            .SelectMany(file =>
            {
                string[] lines = File.ReadAllLines(file);
                string name = Path.GetRelativePath(root, file);
                return Find(name, lines, Directive()).Where(r => r.Version is not null).Concat(Find(name, lines, InstallLine()));
            });

    private static IEnumerable<Reference> Find(string file, string[] lines, Regex pattern)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            foreach (Match m in pattern.Matches(lines[i]))
            {
                string? version = m.Groups["version"].Success && m.Groups["version"].Value.Length > 0 ? m.Groups["version"].Value : null;
                yield return new Reference(file, i + 1, m.Groups["id"].Value, version);
            }
        }
    }

    private sealed record Reference(string File, int Line, string Id, string? Version)
    {
        public override string ToString() => $"{File}:{Line} {Id} {Version}";
    }

    /// <summary><c>#r "nuget: Name"</c> or <c>#r "nuget: Name, Version"</c>, as dotnet-script, .NET Interactive and mlnetgd script read it.</summary>
    [GeneratedRegex(@"#r\s+""nuget:\s*(?<id>[A-Za-z][\w.-]*)\s*(?:,\s*(?<version>\d[^""\s]*))?\s*""")]
    private static partial Regex Directive();

    [GeneratedRegex(@"dotnet (?:add(?: \S+)? package|tool install)\b.*?\b(?<id>MlNetGd\.[\w.]+).*?--version\s+(?<version>[^\s`]+)")]
    private static partial Regex InstallLine();
}
