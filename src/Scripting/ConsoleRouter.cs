using System.Text;

namespace MlNetGd.Scripting;

/// <summary>Sends what a script writes to <see cref="Console"/> to the writers its run was given, per asynchronous flow.</summary>
/// <remarks>
/// Scripts print with <c>Console.WriteLine</c> (so they also run under dotnet-script). When several scripts run at once in one
/// process (tests), <see cref="Console.Out"/> is replaced once by a writer that forwards to the writer of the current
/// flow (an <see cref="AsyncLocal{T}"/>), or to the original console outside any run.
/// </remarks>
internal static class ConsoleRouter
{
    private static readonly AsyncLocal<TextWriter?> s_output = new();
    private static readonly AsyncLocal<TextWriter?> s_error = new();
    private static readonly Lock s_gate = new();
    private static TextWriter? s_installedOutput;
    private static TextWriter? s_installedError;

    /// <summary>Routes this flow's console output to <paramref name="output"/> and <paramref name="error"/> until the result is disposed.</summary>
    public static IDisposable Redirect(TextWriter output, TextWriter error)
    {
        lock (s_gate)
        {
            if (!ReferenceEquals(Console.Out, s_installedOutput))
            {
                Console.SetOut(new RoutingWriter(Console.Out, s_output));
                s_installedOutput = Console.Out;
            }
            if (!ReferenceEquals(Console.Error, s_installedError))
            {
                Console.SetError(new RoutingWriter(Console.Error, s_error));
                s_installedError = Console.Error;
            }
        }
        var scope = new Scope(s_output.Value, s_error.Value);
        s_output.Value = output;
        s_error.Value = error;
        return scope;
    }

    private sealed class Scope(TextWriter? previousOutput, TextWriter? previousError) : IDisposable
    {
        public void Dispose()
        {
            s_output.Value?.Flush();
            s_error.Value?.Flush();
            s_output.Value = previousOutput;
            s_error.Value = previousError;
        }
    }

    private sealed class RoutingWriter(TextWriter fallback, AsyncLocal<TextWriter?> target) : TextWriter
    {
        private TextWriter Current => target.Value ?? fallback;

        public override Encoding Encoding => Current.Encoding;

        public override void Write(char value) => Current.Write(value);

        public override void Write(string? value) => Current.Write(value);

        public override void Write(char[] buffer, int index, int count) => Current.Write(buffer, index, count);

        public override void Write(ReadOnlySpan<char> buffer) => Current.Write(buffer);

        public override void WriteLine() => Current.WriteLine();

        public override void WriteLine(string? value) => Current.WriteLine(value);

        public override void WriteLine(ReadOnlySpan<char> buffer) => Current.WriteLine(buffer);

        public override void Flush() => Current.Flush();
    }
}
