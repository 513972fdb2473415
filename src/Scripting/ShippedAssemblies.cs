using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Text;

namespace MlNetGd.Scripting;

/// <summary>The assemblies a script compiles against: the .NET shared framework plus the packages the tool ships.</summary>
/// <remarks>
/// Both come from the host's trusted platform assemblies (the runtime's own view of what the application may load), so the
/// references a script compiles against are exactly the assemblies it binds to when it runs. The shipped packages are
/// Microsoft.ML*, System.Numerics.Tensors and MlNetGd.*; they also satisfy <c>#r "nuget: ..."</c> for those packages.
/// </remarks>
internal static class ShippedAssemblies
{
    private static readonly Lazy<Catalog> s_catalog = new(Discover);

    /// <summary>Gets the paths of every assembly a script compiles against.</summary>
    public static IReadOnlyList<string> ReferencePaths => s_catalog.Value.All;

    /// <summary>Gets a text that changes whenever the runner, the runtime or a shipped package changes (part of the cache key).</summary>
    public static string Identity => s_catalog.Value.Identity.Value;

    /// <summary>Gets whether the host application binds an assembly of this simple name itself (it is in its trusted platform assemblies).</summary>
    public static bool IsProvidedByHost(string assemblyName) => s_catalog.Value.HostNames.Contains(assemblyName);

    /// <summary>Gets whether <paramref name="path"/> is one of the references (the default load context binds it without help).</summary>
    public static bool Contains(string path) => s_catalog.Value.AllSet.Contains(Path.GetFullPath(path));

    /// <summary>Returns an assembly the tool ships from NuGet package <paramref name="packageId"/>, or null when it does not ship it.</summary>
    /// <remarks>
    /// One assembly stands for the package (the compiler takes one per <c>#r</c>): the one named like the package, else the first
    /// of its family (the Microsoft.ML package has no Microsoft.ML.dll). Every shipped assembly is referenced anyway.
    /// </remarks>
    public static string? ForPackage(string packageId)
    {
        List<string> packages = s_catalog.Value.Packages;
        return packages.FirstOrDefault(p => Name(p).Equals(packageId, StringComparison.OrdinalIgnoreCase))
            ?? (packageId.Equals("Microsoft.ML", StringComparison.OrdinalIgnoreCase)
                ? packages.FirstOrDefault(p => Name(p).StartsWith("Microsoft.ML.", StringComparison.OrdinalIgnoreCase))
                : null);
    }

    /// <summary>Gets whether an assembly name belongs to a package the tool ships for scripts.</summary>
    public static bool IsShippedName(string name) =>
        name.Equals("Microsoft.ML", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Microsoft.ML.", StringComparison.OrdinalIgnoreCase)
        || name.Equals("System.Numerics.Tensors", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("MlNetGd.", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".Tests", StringComparison.OrdinalIgnoreCase));

    private static string Name(string path) => Path.GetFileNameWithoutExtension(path);

    private static Catalog Discover()
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        string[] trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (trusted.Length == 0)
        {
            trusted = Directory.EnumerateFiles(frameworkDirectory, "*.dll")
                .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")).ToArray();
        }

        var framework = new List<string>();
        var packages = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in trusted.Select(Path.GetFullPath).Order(StringComparer.Ordinal))
        {
            if (!path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || !names.Add(Name(path)))
                continue;
            if (string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
                framework.Add(path);
            else if (IsShippedName(Name(path)))
                packages.Add(path);
        }

        string[] all = [.. framework, .. packages];
        return new Catalog(all, new HashSet<string>(all, StringComparer.Ordinal), packages, names,
            new Lazy<string>(() => ComputeIdentity(frameworkDirectory, packages)));
    }

    private static string ComputeIdentity(string frameworkDirectory, IEnumerable<string> packages)
    {
        var text = new StringBuilder()
            .AppendLine("mlnetgd script cache v1")
            .AppendLine(typeof(ShippedAssemblies).Assembly.ManifestModule.ModuleVersionId.ToString())
            .AppendLine(System.Reflection.Assembly.GetEntryAssembly()?.GetName().ToString() ?? "")
            .AppendLine(RuntimeInformation.FrameworkDescription)
            .AppendLine(frameworkDirectory);
        foreach (string path in packages)
            text.Append(path).Append(' ').AppendLine(Mvid(path)?.ToString() ?? "?");
        return text.ToString();
    }

    /// <summary>Reads the module version id of an assembly file without loading it (null when the file is missing or not .NET).</summary>
    public static Guid? Mvid(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
                return null;
            MetadataReader reader = pe.GetMetadataReader();
            return reader.GetGuid(reader.GetModuleDefinition().Mvid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            return null;
        }
    }

    private sealed record Catalog(string[] All, HashSet<string> AllSet, List<string> Packages, HashSet<string> HostNames, Lazy<string> Identity);
}
