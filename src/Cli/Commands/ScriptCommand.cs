using System.CommandLine;
using MlNetGd.Scripting;

namespace MlNetGd.Cli.Commands;

/// <summary>The <c>mlnetgd script FILE.csx [-- args]</c> verb: runs a C# script with dotnet-script's directives.</summary>
internal static class ScriptCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file")
        {
            Description = "The C# script (.csx) to run.",
        };
        var scriptArgs = new Argument<string[]>("args")
        {
            Description = "Arguments for the script, seen as Args (put them after --).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("script",
            "Run a C# script (.csx) with dotnet-script's directives: #r \"path.dll\", #load \"other.csx\", " +
            "#r \"nuget: ...\" for Microsoft.ML*, System.Numerics.Tensors and MlNetGd.*, Args and 'return N;' as the exit code. " +
            $"Compiled scripts are cached (set {ScriptRunner.CacheDirectoryVariable} to choose where). " +
            "A script is a program: it runs as you, with your full rights (it can read, change and delete any file you can, and reach the network). Run only scripts you trust.")
        {
            file,
            scriptArgs,
        };
        command.SetAction(parseResult =>
        {
            FileInfo script = parseResult.GetValue(file)!;
            string[] values = parseResult.GetValue(scriptArgs) ?? [];
            var io = parseResult.InvocationConfiguration;
            return new ScriptRunner().Run(script.FullName, values, io.Output, io.Error).ExitCode;
        });
        return command;
    }
}
