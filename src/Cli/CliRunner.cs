using System.CommandLine;
using System.CommandLine.Invocation;
using MlNetGd.Cli.Commands;
using MlNetGd.Data;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cli;

/// <summary>Runs mlnetgd in-process: parses, invokes the verb, and maps failures to exit codes (0 ok, 1 user error, 2 bad arguments).</summary>
public static class CliRunner
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a user error (missing or malformed file, unknown column, unwritable output, bad model file).</summary>
    public const int UserError = 1;

    /// <summary>Exit code for bad arguments (unknown option, bad value, conflicting options).</summary>
    public const int BadArguments = 2;

    /// <summary>Builds the root command with every verb: compare, train, predict, data and script.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("mlnetgd: minibatch gradient-descent linear regression for ML.NET (compare, train, predict, script, worker).");
        root.Add(CompareCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(PredictCommand.Create());
        root.Add(DataCommand.Create());
        root.Add(ScriptCommand.Create());
        root.Add(WorkerCommand.Create());
        return root;
    }

    /// <summary>Runs the tool as <c>mlnetgd args</c> would, writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Invoke(CreateRoot(), args, output, error);

    /// <summary>Parses <paramref name="args"/> with <paramref name="root"/> and invokes the chosen verb.</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
            return BadArgument(error, parse.Errors.Select(e => e.Message).ToArray());
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>Prints bad-argument errors (each as "error: …") and the hint to --help, and returns <see cref="BadArguments"/>. A verb
    /// calls it for an option whose allowed range depends on the data (<c>--cv</c> against the row count), before any work.</summary>
    internal static int BadArgument(TextWriter error, params string[] messages)
    {
        foreach (string message in messages)
            error.WriteLine($"error: {message}");
        error.WriteLine("Run 'mlnetgd --help' or 'mlnetgd <command> --help' for the options and their defaults.");
        return BadArguments;
    }

    /// <summary>The message a user reads: an <see cref="ArgumentException"/>'s without the " (Parameter 'name')" that .NET appends
    /// for a library caller (a C# parameter name means nothing on the command line).</summary>
    private static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } name }
            ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : e.Message;

    /// <summary>Runs a verb's body, turning user errors into exit code 1 with a one-line message. (Bad arguments never get here: the
    /// options' parse-time checks make them parse errors, exit code 2, in <see cref="Invoke"/>.)</summary>
    internal static int Guard(ParseResult parse, Func<TextWriter, TextWriter, int> body)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return body(output, error);
        }
        catch (Exception e) when (e is DataFileException or ArgumentException or IOException or UnauthorizedAccessException
            or InvalidDataException or TrainingDivergedException or FormatException or InvalidOperationException)
        {
            error.WriteLine($"error: {MessageOf(e)}");
            return UserError;
        }
    }
}
