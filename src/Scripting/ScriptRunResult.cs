namespace MlNetGd.Scripting;

/// <summary>What happened when a script ran: its exit code and whether the compiled script came from the cache.</summary>
/// <param name="ExitCode">0 on success, the value of the script's <c>return N;</c>, or 1 after a compile error or an unhandled exception.</param>
/// <param name="FromCache">Whether a previously compiled copy was reused instead of compiling the script.</param>
public sealed record ScriptRunResult(int ExitCode, bool FromCache);
