using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MlNetGd.Tests.Scripting;

/// <summary>The runner: directives, Args, exit codes, errors, and the compile cache.</summary>
[TestClass]
public sealed class ScriptRunnerTests
{
    [TestMethod]
    public void LoadDirectivePullsInAFileRelativeToTheScript()
    {
        using var harness = new ScriptHarness();
        harness.Write("lib/helper.csx", "static string Greet(string name) => $\"hello {name}\";\n");
        string script = harness.Write("main.csx", "#load \"lib/helper.csx\"\nConsole.WriteLine(Greet(\"load\"));\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("hello load", outcome.Output.Trim());
    }

    [TestMethod]
    public void ReferenceDirectiveLoadsADllRelativeToTheScriptAlsoFromTheCache()
    {
        using var harness = new ScriptHarness();
        BuildLibrary(Path.Combine(harness.Folder, "bin", "TinyLib.dll"),
            "namespace TinyLib; public static class Greeter { public static string Hello(string name) => \"tiny \" + name; }");
        string script = harness.Write("main.csx", "#r \"bin/TinyLib.dll\"\nConsole.WriteLine(TinyLib.Greeter.Hello(\"dll\"));\n");

        ScriptOutcome first = harness.Run(script);
        ScriptOutcome second = harness.Run(script);

        Assert.AreEqual(0, first.ExitCode, first.ToString());
        Assert.AreEqual("tiny dll", first.Output.Trim());
        Assert.IsFalse(first.FromCache);
        Assert.AreEqual(0, second.ExitCode, second.ToString());
        Assert.AreEqual("tiny dll", second.Output.Trim());
        Assert.IsTrue(second.FromCache, "the second run must not compile again");
    }

    [TestMethod]
    public void ShippedNuGetPackagesResolveFromTheToolsOwnAssemblies()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("main.csx",
            "#r \"nuget: MlNetGd.Trainers, 1.0.0\"\n#r \"nuget: Microsoft.ML, 5.0.1\"\n#r \"nuget: System.Numerics.Tensors, 11.0.0\"\n" +
            "var model = new MlNetGd.Trainers.Core.LinearModel([2f], 1f);\n" +
            "var ml = new Microsoft.ML.MLContext(seed: 0);\n" +
            "Console.WriteLine(model.Predict([3f]) + System.Numerics.Tensors.TensorPrimitives.Sum<float>([1f, 2f]));\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("10", outcome.Output.Trim());
    }

    [TestMethod]
    public void UnshippedNuGetPackageIsAClearErrorThatNamesItAndPointsToDotnetScript()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("main.csx", "// uses a package the tool does not ship\n#r \"nuget: Newtonsoft.Json, 13.0.3\"\nConsole.WriteLine(1);\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.StartsWith(outcome.Error, $"{script}:2:1: error: the NuGet package 'Newtonsoft.Json' (version 13.0.3) is not shipped with mlnetgd.");
        StringAssert.Contains(outcome.Error, "dotnet script");
        Assert.AreEqual("", outcome.Output);
    }

    [TestMethod]
    public void CompileErrorIsReportedAsFileLineColumnAndNothingIsCached()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("broken.csx", "var x = 1;\n\nConsole.WriteLine(y);\n");

        ScriptOutcome first = harness.Run(script);
        ScriptOutcome second = harness.Run(script);

        Assert.AreEqual(1, first.ExitCode, first.ToString());
        StringAssert.StartsWith(first.Error, $"{script}:3:19: error CS0103: The name 'y' does not exist in the current context");
        Assert.AreEqual(first, second, "a script that does not compile is compiled (and reported) again");
        Assert.IsFalse(Directory.Exists(harness.Runner.CacheDirectory) && Directory.EnumerateFiles(harness.Runner.CacheDirectory).Any());
    }

    [TestMethod]
    public void ErrorsInALoadedFileNameThatFile()
    {
        using var harness = new ScriptHarness();
        string helper = harness.Write("lib/helper.csx", "int Broken() => \"text\";\n");
        string script = harness.Write("main.csx", "#load \"lib/helper.csx\"\nConsole.WriteLine(Broken());\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.StartsWith(outcome.Error, $"{helper}:1:17: error CS0029:");
    }

    [TestMethod]
    public void ScriptThatNeverCompilesFailsWithEveryError()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("garbage.csx", "this is not C# at all {\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        string[] lines = outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.IsNotEmpty(lines);
        Assert.IsTrue(lines.All(l => l.StartsWith($"{script}:1:", StringComparison.Ordinal) && l.Contains(": error CS", StringComparison.Ordinal)), outcome.Error);
    }

    [TestMethod]
    [DataRow("#load \"lib/missing.csx\"\n", "missing.csx")]
    [DataRow("#r \"bin/missing.dll\"\n", "missing.dll")]
    public void MissingLoadedFileOrDllIsACompileErrorNamingIt(string directive, string missing)
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("main.csx", directive + "Console.WriteLine(1);\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.StartsWith(outcome.Error, $"{script}:1:");
        StringAssert.Contains(outcome.Error, missing);
    }

    [TestMethod]
    public void MissingScriptFileIsAnErrorNamingIt()
    {
        using var harness = new ScriptHarness();
        string missing = Path.Combine(harness.Folder, "nope.csx");

        ScriptOutcome outcome = harness.Run(missing);

        Assert.AreEqual(1, outcome.ExitCode);
        StringAssert.StartsWith(outcome.Error, $"{missing}: error: the script file does not exist");
    }

    [TestMethod]
    public void UnwritableCacheWarnsAndStillRunsTheScript()
    {
        using var harness = new ScriptHarness();
        string notADirectory = harness.Write("cache-is-a-file", "");
        string script = harness.Write("main.csx", "return 5;\n");
        var error = new StringWriter();

        var result = new MlNetGd.Scripting.ScriptRunner(notADirectory).Run(script, [], new StringWriter(), error);

        Assert.AreEqual(5, result.ExitCode, error.ToString());
        StringAssert.StartsWith(error.ToString(), $"mlnetgd: warning: cannot write the script cache in {notADirectory}");
        StringAssert.Contains(error.ToString(), "MLNETGD_SCRIPT_CACHE");
    }

    [TestMethod]
    public void DependencyOfAReferencedDllIsFoundBesideIt()
    {
        using var harness = new ScriptHarness();
        string inner = Path.Combine(harness.Folder, "bin", "InnerLib.dll");
        BuildLibrary(inner, "namespace InnerLib; public static class Words { public static string Word => \"inner\"; }");
        BuildLibrary(Path.Combine(harness.Folder, "bin", "OuterLib.dll"),
            "namespace OuterLib; public static class Speaker { public static string Say() => \"outer+\" + InnerLib.Words.Word; }", inner);
        string script = harness.Write("main.csx", "#r \"bin/OuterLib.dll\"\nConsole.WriteLine(OuterLib.Speaker.Say());\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("outer+inner", outcome.Output.Trim());
    }

    [TestMethod]
    public void UnhandledExceptionPrintsMessageAndStackWithScriptLines()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("boom.csx",
            "Console.WriteLine(\"before\");\nvoid Fail() => throw new InvalidOperationException(\"boom from the script\");\nFail();\nConsole.WriteLine(\"after\");\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("before", outcome.Output.Trim());
        StringAssert.StartsWith(outcome.Error, "Unhandled exception. System.InvalidOperationException: boom from the script");
        StringAssert.Contains(outcome.Error, "at Submission#0.Fail()");
        StringAssert.Contains(outcome.Error, $"{script}:line 2");
    }

    [TestMethod]
    public void ScriptReadingAMissingFileFailsWithTheFileName()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("reader.csx", "Console.WriteLine(File.ReadAllText(Path.Combine(Args[0], \"absent.txt\")));\n");

        ScriptOutcome outcome = harness.Run(script, harness.Folder);

        Assert.AreEqual(1, outcome.ExitCode, outcome.ToString());
        StringAssert.StartsWith(outcome.Error, "Unhandled exception. System.IO.FileNotFoundException:");
        StringAssert.Contains(outcome.Error, Path.Combine(harness.Folder, "absent.txt"));
    }

    [TestMethod]
    public void ArgsReachTheScriptAndReturnSetsTheExitCode()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("args.csx", "Console.WriteLine(string.Join(\"|\", Args));\nConsole.Error.WriteLine(\"to stderr\");\nreturn Args.Count + 40;\n");

        ScriptOutcome outcome = harness.Run(script, "one", "two words");

        Assert.AreEqual(42, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("one|two words", outcome.Output.Trim());
        Assert.AreEqual("to stderr", outcome.Error.Trim());
    }

    [TestMethod]
    public void ScriptWithoutReturnExitsWithZero()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("plain.csx", "var total = Enumerable.Range(1, 4).Sum();\nConsole.WriteLine(total);\n");

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual(0, outcome.ExitCode, outcome.ToString());
        Assert.AreEqual("10", outcome.Output.Trim());
    }

    [TestMethod]
    public void ChangingALoadedFileCompilesAgainAndLeavesNoTemporaryFiles()
    {
        using var harness = new ScriptHarness();
        string helper = harness.Write("helper.csx", "const int Value = 1;\n");
        string script = harness.Write("main.csx", "#load \"helper.csx\"\nreturn Value;\n");

        ScriptOutcome first = harness.Run(script);
        ScriptOutcome cached = harness.Run(script);
        File.WriteAllText(helper, "const int Value = 2;\n");
        ScriptOutcome changed = harness.Run(script);
        ScriptOutcome cachedAgain = harness.Run(script);

        Assert.AreEqual((1, false), (first.ExitCode, first.FromCache), first.ToString());
        Assert.AreEqual((1, true), (cached.ExitCode, cached.FromCache), cached.ToString());
        Assert.AreEqual((2, false), (changed.ExitCode, changed.FromCache), changed.ToString());
        Assert.AreEqual((2, true), (cachedAgain.ExitCode, cachedAgain.FromCache), cachedAgain.ToString());
        Assert.IsEmpty(Directory.GetFiles(harness.Runner.CacheDirectory, "*.tmp"));
    }

    [TestMethod]
    public void DamagedCacheEntryIsCompiledAgain()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("main.csx", "return 6;\n");
        harness.Run(script);
        foreach (string dll in Directory.GetFiles(harness.Runner.CacheDirectory, "*.dll"))
            File.WriteAllBytes(dll, [1, 2, 3]);

        ScriptOutcome outcome = harness.Run(script);

        Assert.AreEqual((6, false), (outcome.ExitCode, outcome.FromCache), outcome.ToString());
        Assert.IsTrue(harness.Run(script).FromCache, "the entry is written again");
    }

    [TestMethod]
    public void ChangingTheScriptCompilesAgain()
    {
        using var harness = new ScriptHarness();
        string script = harness.Write("main.csx", "return 3;\n");

        ScriptOutcome first = harness.Run(script);
        File.WriteAllText(script, "return 4;\n");
        ScriptOutcome second = harness.Run(script);

        Assert.AreEqual((3, false), (first.ExitCode, first.FromCache));
        Assert.AreEqual((4, false), (second.ExitCode, second.FromCache));
    }

    /// <summary>Compiles a one-file class library to <paramref name="path"/> with Roslyn, referencing the framework and <paramref name="otherReferences"/>.</summary>
    private static void BuildLibrary(string path, string source, params string[] otherReferences)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        MetadataReference[] references = new[] { "System.Private.CoreLib.dll", "System.Runtime.dll" }
            .Select(f => Path.Combine(frameworkDirectory, f))
            .Concat(otherReferences)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))
            .ToArray();
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        var result = compilation.Emit(stream);
        Assert.IsTrue(result.Success, string.Join("\n", result.Diagnostics));
    }
}
