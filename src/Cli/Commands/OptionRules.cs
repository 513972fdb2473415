using System.CommandLine;
using System.Globalization;

namespace MlNetGd.Cli.Commands;

/// <summary>Parse-time checks of option values: a value the rule rejects is a parse error (exit code 2) naming the option, the value and
/// what is allowed, before the command runs.</summary>
internal static class OptionRules
{
    /// <summary>Rejects a given value for which <paramref name="problem"/> returns a message (defaults are not checked).</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> problem)
    {
        option.Validators.Add(result =>
        {
            if (result.Implicit)   // the default
                return;
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;   // the text is not a T at all ("--epochs many"): the parser reports that error itself
            }
            if (problem(value) is { } message)
                result.AddError(message);
        });
        return option;
    }

    /// <summary>Rejects a given value outside <paramref name="isAllowed"/>, saying "--name value: <paramref name="allowed"/>".</summary>
    public static Option<T> Allow<T>(this Option<T> option, Func<T, bool> isAllowed, string allowed) =>
        option.Check(value => isAllowed(value) ? null : $"{option.Name} {Show(value)}: {allowed}.");

    private static string Show<T>(T value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "";
}
