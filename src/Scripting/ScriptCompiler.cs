using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;

namespace MlNetGd.Scripting;

/// <summary>Compiles a script with Roslyn into an assembly image: the only place the compiler is touched, so a cache hit never loads it.</summary>
internal static class ScriptCompiler
{
    // Metadata of the framework and shipped assemblies is immutable for the life of the process: read it once, share it.
    private static readonly ConcurrentDictionary<string, MetadataReference> s_references = new(StringComparer.Ordinal);
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_defaultReferences =
        new(() => [.. ShippedAssemblies.ReferencePaths.Select(Reference)]);

    /// <summary>Compiles the script at <paramref name="fullPath"/> (whose bytes are <paramref name="text"/>) with its <c>#load</c>ed files.</summary>
    /// <param name="fullPath">The script's full path: <c>#r</c> and <c>#load</c> resolve relative to it, and diagnostics name it.</param>
    /// <param name="text">The script file's bytes (UTF-8, with or without a byte-order mark).</param>
    /// <param name="assemblyName">The name of the emitted assembly.</param>
    public static CompileOutcome Compile(string fullPath, byte[] text, string assemblyName)
    {
        Compilation compilation = CreateCompilation(fullPath, text, assemblyName, out DirectiveReferenceResolver resolver);

        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        string[] errors = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceTree?.FilePath == fullPath ? 0 : 1)
            .ThenBy(d => d.Location.GetMappedLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .Select(Format)
            .ToArray();
        if (!result.Success)
            return new CompileOutcome(null, errors, [], []);

        string[] loaded = compilation.SyntaxTrees
            .Select(t => t.FilePath)
            .Where(p => p.Length > 0 && !string.Equals(p, fullPath, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new CompileOutcome(image.ToArray(), [], loaded, resolver.ResolvedFiles);
    }

    /// <summary>Builds the script's compilation with dotnet-script's settings (see <see cref="DotnetScriptDefaults"/>), without emitting it.</summary>
    /// <param name="fullPath">The script's full path.</param>
    /// <param name="text">The script file's bytes.</param>
    /// <param name="assemblyName">The name of the assembly.</param>
    /// <param name="resolver">Resolves the script's <c>#r</c> directives, and records the dlls they pull in as the compilation binds.</param>
    internal static CSharpCompilation CreateCompilation(string fullPath, byte[] text, string assemblyName, out DirectiveReferenceResolver resolver)
    {
        string directory = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();
        resolver = new DirectiveReferenceResolver(directory, Reference);
        ScriptOptions options = ScriptOptions.Default
            .WithFilePath(fullPath)
            .WithReferences(s_defaultReferences.Value)
            .WithImports(DotnetScriptDefaults.Imports)
            .WithMetadataResolver(resolver)
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(directory))
            .WithLanguageVersion(DotnetScriptDefaults.LanguageVersion)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithAllowUnsafe(true);

        CSharpCompilation compilation;
        using (var code = new MemoryStream(text, writable: false))
            compilation = (CSharpCompilation)CSharpScript.Create(code, options, typeof(ScriptGlobals)).GetCompilation();
        // ScriptOptions has no say over diagnostic severities: set them (and the nullable context) on the compilation, as dotnet-script does.
        return compilation
            .WithOptions(DotnetScriptDefaults.Apply(compilation.Options))
            .WithAssemblyName(assemblyName);
    }

    /// <summary>Formats a diagnostic as <c>file:line:col: error CSnnnn: message</c>, explaining an unshipped NuGet package.</summary>
    private static string Format(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetMappedLineSpan();
        string where = span.IsValid && span.Path.Length > 0
            ? $"{span.Path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}"
            : "(script)";
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (diagnostic.Id == "CS0006" && diagnostic.Location.SourceTree is { } tree)
        {
            // The location covers the directive (#r "nuget: ..."); its reference is the quoted part.
            string directive = tree.GetText().ToString(diagnostic.Location.SourceSpan);
            int open = directive.IndexOf('"'), close = directive.LastIndexOf('"');
            string reference = close > open ? directive[(open + 1)..close] : directive;
            if (NuGetDirective.TryParse(reference, out string package, out string? version))
                return $"{where}: error: {UnshippedPackage.Message(package, version, span.Path)}";
        }
        return $"{where}: error {diagnostic.Id}: {message}";
    }

    private static MetadataReference Reference(string path) =>
        s_references.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));
}
