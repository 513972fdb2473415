using System.CommandLine;
using System.CommandLine.Parsing;
using MlNetGd.IO;

namespace MlNetGd.Cli.Commands;

/// <summary>The one sameness rule of every command: no output (a model, a report directory, a prediction file) may be the same file as
/// an input or as another output, and a directory the run replaces as a whole may hold no input. "The same" is
/// <see cref="FileIdentity.Same"/>: the same path, <c>./x/..</c>, a symbolic link or a hard link. Checked at parse time, before any work:
/// exit code 2, naming both options.</summary>
internal static class PathRules
{
    /// <summary>What a command does with a path option.</summary>
    internal enum Role
    {
        Input,
        OutputFile,
        OutputDirectory,
    }

    /// <summary>A path option: its name, how to read its value (defaults included), and its role.</summary>
    internal sealed record PathOption(string Name, Func<CommandResult, string?> Value, Role Role);

    /// <summary>Adds the sameness check over <paramref name="paths"/> to <paramref name="command"/>.</summary>
    public static void AddSamenessRule(this Command command, params PathOption[] paths) =>
        command.AddSamenessRule(result => paths.Select(p => (p.Name, p.Value(result), p.Role)));

    /// <summary>Adds the sameness check over the paths <paramref name="paths"/> reads from a parse (for an option that names several).</summary>
    public static void AddSamenessRule(this Command command, Func<CommandResult, IEnumerable<(string Name, string? Path, Role Role)>> paths) =>
        command.Validators.Add(result =>
        {
            var given = paths(result).Where(p => !string.IsNullOrWhiteSpace(p.Path)).ToList();
            if (Problem(given!) is { } problem)
                result.AddError(problem);
        });

    /// <summary>The first breach of the rule among <paramref name="paths"/>, or <see langword="null"/>.</summary>
    internal static string? Problem(IReadOnlyList<(string Name, string Path, Role Role)> paths)
    {
        try
        {
            for (int i = 0; i < paths.Count; i++)
            {
                var output = paths[i];
                if (output.Role == Role.Input)
                    continue;
                for (int j = 0; j < paths.Count; j++)
                {
                    var other = paths[j];
                    if (j == i)
                        continue;
                    if (FileIdentity.Same(output.Path, other.Path))
                    {
                        return other.Role == Role.Input
                            ? $"{output.Name} '{output.Path}' is the same file as {other.Name} '{other.Path}': writing there would replace the input. Give another path."
                            : $"{output.Name} '{output.Path}' and {other.Name} '{other.Path}' are the same file: one would overwrite the other. Give two different paths.";
                    }
                    if (output.Role == Role.OutputDirectory && FileIdentity.IsWithin(other.Path, output.Path))
                        return $"{other.Name} '{other.Path}' is inside {output.Name} '{output.Path}', which the run replaces as a whole: it would be deleted. " +
                            $"Give another {output.Name}.";
                }
            }
            return null;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return $"The paths given cannot be compared: {e.Message}";
        }
    }
}
