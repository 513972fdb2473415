namespace MlNetGd.Scripting;

/// <summary>A compiled script read from the cache.</summary>
/// <param name="Image">The assembly bytes.</param>
/// <param name="ReferencedFiles">The dlls the script's <c>#r</c> directives pulled in, for the load context.</param>
internal sealed record CachedScript(byte[] Image, IReadOnlyList<string> ReferencedFiles);
