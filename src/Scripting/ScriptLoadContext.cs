using System.Reflection;
using System.Runtime.Loader;

namespace MlNetGd.Scripting;

/// <summary>The load context of one script run: it holds the script's assembly and the dlls of its <c>#r</c> directives.</summary>
/// <remarks>Everything else (the framework, ML.NET, MlNetGd.*) comes from the default context, so the script shares those types with the host.</remarks>
internal sealed class ScriptLoadContext : AssemblyLoadContext
{
    private readonly Dictionary<string, string> _referencedFiles = new(StringComparer.OrdinalIgnoreCase);

    public ScriptLoadContext(IEnumerable<string> referencedFiles)
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
    }

    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && _referencedFiles.TryGetValue(name, out string? path) ? LoadFromAssemblyPath(path) : null;
}
