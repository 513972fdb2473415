using System.Security.Cryptography;
using System.Text;

namespace MlNetGd.Scripting;

/// <summary>Compiled scripts on disk, keyed by content, so an unchanged script runs without the compiler.</summary>
/// <remarks>
/// <para>Two files per script. <c>{key}.deps</c> lists what the compiled script depends on beyond its own text: each
/// <c>#load</c>ed file with the SHA-256 of its bytes, and each <c>#r</c>'d dll with its MVID. <c>{key}.{depsHash}.dll</c> is
/// the compiled assembly. <c>key</c> hashes the script's full path and bytes with <see cref="ShippedAssemblies.Identity"/>
/// (runner build, runtime, MVIDs of the shipped assemblies); <c>depsHash</c> hashes the dependency list as it is now, so a
/// changed <c>#load</c>ed file or rebuilt dll names a different (absent) dll and the script is compiled again.</para>
/// <para>Every file is written under a temporary name and renamed into place, so a reader never sees half a file and
/// concurrent runs of the same script at worst write the same bytes twice.</para>
/// </remarks>
internal sealed class ScriptCache
{
    private const string SourceKind = "source";
    private const string AssemblyKind = "assembly";

    public ScriptCache(string directory) => Directory = directory;

    /// <summary>Gets the cache directory.</summary>
    public string Directory { get; }

    /// <summary>Computes the key of a script from its full path and bytes and the runner's identity.</summary>
    public static string Key(string fullPath, byte[] text)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(ShippedAssemblies.Identity + "\n" + fullPath + "\n"));
        hash.AppendData(text);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Returns the compiled script and its <c>#r</c>'d dlls when the cache holds an up-to-date copy, else null.</summary>
    public CachedScript? TryGet(string key)
    {
        try
        {
            string depsPath = DepsPath(key);
            if (!File.Exists(depsPath))
                return null;
            string[] lines = File.ReadAllLines(depsPath);
            var current = new List<string>(lines.Length);
            var assemblies = new List<string>();
            foreach (string line in lines)
            {
                string[] parts = line.Split('\t', 3);
                if (parts.Length != 3)
                    return null;
                string? now = parts[0] switch
                {
                    SourceKind => FileHash(parts[2]),
                    AssemblyKind => ShippedAssemblies.Mvid(parts[2])?.ToString(),
                    _ => null,
                };
                if (now is null)
                    return null;
                current.Add($"{parts[0]}\t{now}\t{parts[2]}");
                if (parts[0] == AssemblyKind)
                    assemblies.Add(parts[2]);
            }
            string dllPath = DllPath(key, current);
            return File.Exists(dllPath) ? new CachedScript(File.ReadAllBytes(dllPath), assemblies) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores a compiled script with the list of its dependencies.</summary>
    /// <exception cref="IOException">The cache directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The cache directory cannot be written.</exception>
    public void Store(string key, byte[] image, IEnumerable<string> loadedFiles, IEnumerable<string> referencedFiles)
    {
        var deps = new List<string>();
        foreach (string file in loadedFiles)
            deps.Add($"{SourceKind}\t{FileHash(file) ?? "missing"}\t{file}");
        foreach (string file in referencedFiles)
            deps.Add($"{AssemblyKind}\t{ShippedAssemblies.Mvid(file)?.ToString() ?? "missing"}\t{file}");

        System.IO.Directory.CreateDirectory(Directory);
        WriteAtomically(DllPath(key, deps), image);
        WriteAtomically(DepsPath(key), Encoding.UTF8.GetBytes(string.Concat(deps.Select(d => d + "\n"))));
    }

    private string DepsPath(string key) => Path.Combine(Directory, key + ".deps");

    private string DllPath(string key, IEnumerable<string> deps)
    {
        byte[] depsHash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", deps)));
        return Path.Combine(Directory, $"{key}.{Convert.ToHexStringLower(depsHash)[..16]}.dll");
    }

    private static string? FileHash(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another run put the same content in place first (and may hold it open): keep theirs.
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
