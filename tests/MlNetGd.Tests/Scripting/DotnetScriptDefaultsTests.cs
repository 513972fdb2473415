using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MlNetGd.Scripting;

namespace MlNetGd.Tests.Scripting;

/// <summary>
/// The runner compiles with dotnet-script's settings (nullable context disabled, CS8600–CS8655 as errors, its default
/// imports, language version Preview), so a script that runs under <c>mlnetgd script</c> also compiles under <c>dotnet script</c>.
/// </summary>
[TestClass]
public sealed class DotnetScriptDefaultsTests
{
    [TestMethod]
    public void EveryScriptCompilesUnderDotnetScriptDefaults()
    {
        string[] scripts = Directory.GetFiles(Path.Combine(ScriptHarness.RepositoryRoot, "scripts"), "*.csx").Order(StringComparer.Ordinal).ToArray();
        Assert.IsNotEmpty(scripts);

        var failures = new List<string>();
        foreach (string script in scripts)
        {
            CompileOutcome outcome = ScriptCompiler.Compile(script, File.ReadAllBytes(script), "DefaultsCheck_" + Path.GetFileNameWithoutExtension(script).Replace('-', '_'));
            if (outcome.Image is null || outcome.Errors.Count > 0)
                failures.Add($"{Path.GetFileName(script)}:\n  " + string.Join("\n  ", outcome.Errors));
        }

        Assert.IsEmpty(failures, "scripts that dotnet-script would not compile:\n" + string.Join("\n", failures));
    }

    [TestMethod]
    public void ANullableAnnotationWithoutANullableContextIsAnErrorAsUnderDotnetScript()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("annotated.csx", "string? name = null;\nConsole.WriteLine(name ?? \"none\");\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.StartsWith(outcome.Error, $"{script}:1:7: error CS8632: The annotation for nullable reference types should only be used in code within a '#nullable' annotations context.");
    }

    [TestMethod]
    public void NullableWarningsAreErrorsInsideANullableContext()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("nullable.csx", "#nullable enable\nstring? maybe = Args.Count > 5 ? \"x\" : null;\nstring sure = maybe;\nConsole.WriteLine(sure);\n");
        string clean = harness.Write("clean.csx", "#nullable enable\nstring? maybe = Args.Count > 5 ? \"x\" : null;\nConsole.WriteLine(maybe ?? \"none\");\n");

        ScriptOutcome outcome = harness.Run(script);
        ScriptOutcome cleanOutcome = harness.Run(clean);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.StartsWith(outcome.Error, $"{script}:3:15: error CS8601: Possible null reference assignment.");
        Assert.AreEqual(0, cleanOutcome.ExitCode, cleanOutcome.ToString());
        Assert.AreEqual("none", cleanOutcome.Output.Trim());
    }

    [TestMethod]
    public void ScriptsSeeDotnetScriptsDefaultImportsAndNoOthers()
    {
        using var harness = new ScriptHarness();
        // System.Console (as a static import), System.Diagnostics, System.Dynamic and System.Linq.Expressions are imported...
        string imported = harness.Write("imported.csx",
            "var watch = Stopwatch.StartNew();\n" +
            "dynamic bag = new ExpandoObject();\nbag.Size = 3;\n" +
            "Expression<Func<int, int>> twice = x => 2 * x;\n" +
            "WriteLine($\"{bag.Size} {twice.Compile()(4)} {watch.Elapsed >= TimeSpan.Zero}\");\n");
        // ...System.Net.Http is not.
        string http = harness.Write("http.csx", "var client = new HttpClient();\n");

        ScriptOutcome importedOutcome = harness.Run(imported);
        ScriptOutcome httpOutcome = harness.Run(http);

        Assert.AreEqual(0, importedOutcome.ExitCode, importedOutcome.ToString());
        Assert.AreEqual("3 8 True", importedOutcome.Output.Trim());
        Assert.AreEqual(1, httpOutcome.ExitCode, httpOutcome.ToString());
        StringAssert.StartsWith(httpOutcome.Error, $"{http}:1:18: error CS0246: The type or namespace name 'HttpClient' could not be found");
    }

    [TestMethod]
    public void TheRunnersCompilationHasDotnetScriptsSettings()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("settings.csx", "Console.WriteLine(1);\n");

        CSharpCompilation compilation = ScriptCompiler.CreateCompilation(script, File.ReadAllBytes(script), "SettingsCheck", out _);

        // dotnet-script 2.0.0, src/Dotnet.Script.Core/ScriptCompiler.cs: ImportedNamespaces, WithLanguageVersion(Preview),
        // CS8600..CS8655 as errors, and Roslyn's ScriptOptions.Default for the rest.
        CollectionAssert.AreEqual(
            new[]
            {
                "System", "System.IO", "System.Collections.Generic", "System.Console", "System.Diagnostics", "System.Dynamic",
                "System.Linq", "System.Linq.Expressions", "System.Text", "System.Threading.Tasks",
            },
            compilation.Options.Usings.ToArray());
        Assert.AreEqual(LanguageVersion.Preview, ((CSharpParseOptions)compilation.SyntaxTrees.Single().Options).SpecifiedLanguageVersion);
        Assert.AreEqual(NullableContextOptions.Disable, compilation.Options.NullableContextOptions);
        Assert.AreEqual(4, compilation.Options.WarningLevel);
        Assert.AreEqual(ReportDiagnostic.Default, compilation.Options.GeneralDiagnosticOption);
        string[] expectedErrors = Enumerable.Range(8600, 56).Select(id => $"CS{id}").ToArray();
        CollectionAssert.AreEquivalent(expectedErrors, compilation.Options.SpecificDiagnosticOptions.Keys.ToArray());
        Assert.IsTrue(compilation.Options.SpecificDiagnosticOptions.Values.All(v => v == ReportDiagnostic.Error));
    }
}
