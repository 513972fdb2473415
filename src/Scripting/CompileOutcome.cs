namespace MlNetGd.Scripting;

/// <summary>The result of compiling a script: the assembly image, or the errors.</summary>
/// <param name="Image">The emitted assembly (with an embedded PDB), or null when compilation failed.</param>
/// <param name="Errors">The errors, each formatted <c>file:line:col: error ...: message</c>.</param>
/// <param name="LoadedFiles">The full paths of the files pulled in by <c>#load</c>.</param>
/// <param name="ReferencedFiles">The full paths of the dlls pulled in by <c>#r "path"</c> that the runtime does not already provide.</param>
internal sealed record CompileOutcome(byte[]? Image, IReadOnlyList<string> Errors, IReadOnlyList<string> LoadedFiles, IReadOnlyList<string> ReferencedFiles);
