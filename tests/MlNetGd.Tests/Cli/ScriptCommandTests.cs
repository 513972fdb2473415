namespace MlNetGd.Tests.Cli;

/// <summary>The <c>script</c> verb through the CLI's own parser: arguments after <c>--</c>, output and the exit code.</summary>
[TestClass]
public sealed class ScriptCommandTests
{
    [TestMethod]
    public void ScriptVerbPassesArgumentsAndReturnsTheScriptsExitCode()
    {
        string dir = Directory.CreateTempSubdirectory("mlnetgd-cli-script-").FullName;
        try
        {
            string script = Path.Combine(dir, "args.csx");
            File.WriteAllText(script, "Console.WriteLine(string.Join(\"|\", Args));\nreturn 40 + Args.Count;\n");

            var (code, output, error) = CliHarness.Run("script", script, "--", "a", "--b");

            Assert.AreEqual(42, code, error);
            StringAssert.Contains(output, "a|--b");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ScriptVerbWithAMissingFileIsAUserError()
    {
        var (code, _, error) = CliHarness.Run("script", Path.Combine(Path.GetTempPath(), "no-such-script-7f3a.csx"));
        Assert.AreEqual(1, code, error);
        StringAssert.Contains(error, "no-such-script-7f3a.csx");
    }
}
