using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace MlNetGd.Scripting;

/// <summary>Resolves a script's <c>#r</c> directives: dll paths relative to the script, and <c>nuget:</c> references from the shipped packages.</summary>
/// <remarks>
/// A <c>#r "nuget: Name, Version"</c> for a package the tool ships resolves to the assemblies it ships (whatever the version);
/// any other package resolves to nothing, which the compiler reports at the directive and <see cref="ScriptCompiler"/>
/// rewrites into a message naming the package. Every dll resolved from a path is recorded, so the cache can check it and
/// the load context can find it when the script runs.
/// </remarks>
internal sealed class DirectiveReferenceResolver : MetadataReferenceResolver
{
    private readonly ScriptMetadataResolver _files;
    private readonly Func<string, MetadataReference> _shipped;
    private readonly List<string> _resolvedFiles = [];

    public DirectiveReferenceResolver(string baseDirectory, Func<string, MetadataReference> shippedReference)
    {
        _files = ScriptMetadataResolver.Default.WithBaseDirectory(baseDirectory);
        _shipped = shippedReference;
    }

    /// <summary>Gets the full paths of the dlls resolved from <c>#r "path"</c> directives that the runtime does not already provide.</summary>
    public IReadOnlyList<string> ResolvedFiles
    {
        get
        {
            lock (_resolvedFiles)
                return _resolvedFiles.Distinct(StringComparer.Ordinal).ToArray();
        }
    }

    public override bool ResolveMissingAssemblies => false;

    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
    {
        if (NuGetDirective.TryParse(reference, out string packageId, out _))
        {
            return ShippedAssemblies.ForPackage(packageId) is { } path && _shipped(path) is PortableExecutableReference shipped
                ? [shipped]
                : [];
        }

        ImmutableArray<PortableExecutableReference> resolved = _files.ResolveReference(reference, baseFilePath, properties);
        lock (_resolvedFiles)
        {
            foreach (PortableExecutableReference file in resolved)
            {
                if (file.FilePath is { } path && !ShippedAssemblies.Contains(path))
                    _resolvedFiles.Add(Path.GetFullPath(path));
            }
        }
        return resolved;
    }

    public override bool Equals(object? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
