using System.Reflection;
using System.Runtime.Loader;

namespace MlNetGd.Scripting;

/// <summary>The load context of one script run: it holds the script's assembly and the dlls of its <c>#r</c> directives.</summary>
/// <remarks>
/// Everything the host application ships (the framework, ML.NET, MlNetGd.*) comes from the default context, so the script
/// shares those types with the host. Other assemblies are looked up among the <c>#r</c>'d dlls, then next to them (the
/// dependencies of a referenced dll usually sit in its folder).
/// </remarks>
internal sealed class ScriptLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, string> _referencedFiles = new(StringComparer.OrdinalIgnoreCase);
    private readonly string[] _folders;

    public ScriptLoadContext(IReadOnlyList<string> referencedFiles)
        : base("mlnetgd script", isCollectible: false)
    {
        foreach (string path in referencedFiles)
        {
            try
            {
                if (AssemblyName.GetAssemblyName(path).Name is { } name)
                    _referencedFiles.TryAdd(name, path);
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
            {
                // Not loadable: the script fails with the runtime's own error if it touches it.
            }
        }
        _folders = referencedFiles.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } name)
            return null;
        if (_referencedFiles.TryGetValue(name, out string? path))
            return LoadFromAssemblyPath(path);
        if (ShippedAssemblies.IsProvidedByHost(name))
            return null;
        string? besideReference = _folders.Select(folder => Path.Combine(folder, name + ".dll")).FirstOrDefault(File.Exists);
        return besideReference is null ? null : LoadFromAssemblyPath(besideReference);
    }
}
