namespace MlNetGd.Scripting;

/// <summary>The globals a script sees, matching dotnet-script's: the command-line arguments as <c>Args</c>.</summary>
public sealed class ScriptGlobals
{
    /// <summary>Creates the globals with the arguments given after the script path.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> is null.</exception>
    public ScriptGlobals(IList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Args = args;
    }

    /// <summary>Gets the arguments given to the script (those after <c>--</c> on the command line).</summary>
    public IList<string> Args { get; }
}
