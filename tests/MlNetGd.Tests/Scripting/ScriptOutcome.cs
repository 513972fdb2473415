namespace MlNetGd.Tests.Scripting;

/// <summary>What a script run returned and printed.</summary>
internal sealed record ScriptOutcome(int ExitCode, bool FromCache, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}, from cache {FromCache}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
