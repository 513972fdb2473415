using System.Reflection;
using System.Runtime.CompilerServices;

namespace MlNetGd.Scripting;

/// <summary>Runs C# scripts (.csx) the way dotnet-script does, compiling each one once and reusing the compiled copy.</summary>
/// <remarks>
/// <para>Directives: <c>#r "path.dll"</c> and <c>#load "other.csx"</c> (relative to the file that holds them), and
/// <c>#r "nuget: Name, Version"</c> for the packages the runner ships (Microsoft.ML*, System.Numerics.Tensors, MlNetGd.*;
/// the version is not checked). Scripts see <c>Args</c>, and <c>return N;</c> sets the exit code.</para>
/// <para>Errors go to the error writer: a compile error as <c>file:line:col: error CSnnnn: message</c>, an unhandled
/// exception as its message and stack; both give exit code 1.</para>
/// <para>Compiled scripts are cached (see <see cref="CacheDirectory"/>), keyed by the script's text, its <c>#load</c>ed
/// files, the identities of the assemblies it references and the runner's build; a cache hit never loads the compiler.</para>
/// </remarks>
public sealed class ScriptRunner
{
    /// <summary>The environment variable that overrides the cache directory.</summary>
    public const string CacheDirectoryVariable = "MLNETGD_SCRIPT_CACHE";

    private readonly ScriptCache _cache;

    /// <summary>Creates a runner that caches compiled scripts in <paramref name="cacheDirectory"/>.</summary>
    /// <param name="cacheDirectory">The cache directory, or <see langword="null"/> for <see cref="DefaultCacheDirectory"/>.</param>
    public ScriptRunner(string? cacheDirectory = null) =>
        _cache = new ScriptCache(Path.GetFullPath(string.IsNullOrWhiteSpace(cacheDirectory) ? DefaultCacheDirectory() : cacheDirectory));

    /// <summary>Gets the directory where compiled scripts are cached.</summary>
    public string CacheDirectory => _cache.Directory;

    /// <summary>Returns the cache directory: <c>$MLNETGD_SCRIPT_CACHE</c> when set, else <c>mlnetgd/scripts</c> under the user's cache directory.</summary>
    /// <remarks>The user's cache directory is <c>%LOCALAPPDATA%</c> on Windows, <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> elsewhere, and the temp directory when there is no home.</remarks>
    public static string DefaultCacheDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        string? root = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? Path.Combine(home, ".cache")
            : null;
        return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "mlnetgd", "scripts");
    }

    /// <summary>Compiles (or takes from the cache) and runs a script.</summary>
    /// <param name="scriptPath">The .csx file.</param>
    /// <param name="args">The script's <c>Args</c>.</param>
    /// <param name="output">Where the script's <c>Console.Out</c> goes.</param>
    /// <param name="error">Where the script's <c>Console.Error</c> and the runner's errors go.</param>
    /// <returns>The exit code (the script's <c>return N;</c>, 0 when it returns nothing, 1 after an error) and whether the cache was used.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public ScriptRunResult Run(string scriptPath, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptPath);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        string fullPath = Path.GetFullPath(scriptPath);
        byte[] text;
        try
        {
            text = File.ReadAllBytes(fullPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"{scriptPath}: error: the script file does not exist (looked for {fullPath}).");
            return new ScriptRunResult(1, FromCache: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{scriptPath}: error: cannot read the script: {e.Message}");
            return new ScriptRunResult(1, FromCache: false);
        }

        string key = ScriptCache.Key(fullPath, text);
        CachedScript? cached = _cache.TryGet(key);
        if (cached is not null && Load(cached.Image, cached.ReferencedFiles) is { } cachedEntry)
            return new ScriptRunResult(Execute(cachedEntry, args, output, error), FromCache: true);

        CompileOutcome outcome = CompileAndStore(fullPath, text, key, error);
        if (outcome.Image is null)
        {
            foreach (string message in outcome.Errors)
                error.WriteLine(message);
            return new ScriptRunResult(1, FromCache: false);
        }
        MethodInfo entry = Load(outcome.Image, outcome.ReferencedFiles)
            ?? throw new InvalidOperationException($"The compiled script {fullPath} has no entry point (Submission#0.<Factory>).");
        return new ScriptRunResult(Execute(entry, args, output, error), FromCache: false);
    }

    // Kept out of Run so that a cache hit does not make the JIT load the compiler.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private CompileOutcome CompileAndStore(string fullPath, byte[] text, string key, TextWriter error)
    {
        CompileOutcome outcome = ScriptCompiler.Compile(fullPath, text, "mlnetgd-script-" + key[..16]);
        if (outcome.Image is not null)
        {
            try
            {
                _cache.Store(key, outcome.Image, outcome.LoadedFiles, outcome.ReferencedFiles);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"mlnetgd: warning: cannot write the script cache in {_cache.Directory} ({e.Message}); " +
                    $"the script will be compiled again next time. Set {CacheDirectoryVariable} to a writable directory.");
            }
        }
        return outcome;
    }

    /// <summary>Loads a compiled script into a new load context and returns its entry point, or null when the image is not a compiled script.</summary>
    private static MethodInfo? Load(byte[] image, IReadOnlyList<string> referencedFiles)
    {
        try
        {
            var context = new ScriptLoadContext(referencedFiles);
            using var stream = new MemoryStream(image, writable: false);
            return context.LoadFromStream(stream).GetType("Submission#0")?.GetMethod("<Factory>", BindingFlags.Public | BindingFlags.Static);
        }
        catch (BadImageFormatException)
        {
            return null;   // a damaged cache entry: compile again
        }
    }

    private static int Execute(MethodInfo factory, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        // Slot 0 holds the globals, slot 1 the submission itself (Roslyn's script calling convention).
        object?[] submissionStates = [new ScriptGlobals(args.ToList()), null];
        bool redirect = !ReferenceEquals(output, Console.Out) || !ReferenceEquals(error, Console.Error);
        using IDisposable? routing = redirect ? ConsoleRouter.Redirect(output, error) : null;
        Exception? failure;
        object? result = null;
        try
        {
            var task = (Task<object>)factory.Invoke(null, [submissionStates])!;
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            failure = task.IsFaulted ? task.Exception!.InnerException : task.IsCanceled ? new TaskCanceledException(task) : null;
            if (failure is null)
                result = task.Result;
        }
        catch (TargetInvocationException e)
        {
            failure = e.InnerException ?? e;
        }
        output.Flush();
        if (failure is not null)
        {
            error.WriteLine($"Unhandled exception. {failure}");
            error.Flush();
            return 1;
        }
        return result is int code ? code : 0;
    }
}
