namespace MlNetGd.Cli;

/// <summary>An option value is invalid or options conflict (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
