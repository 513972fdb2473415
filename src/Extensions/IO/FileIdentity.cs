using System.Runtime.InteropServices;

namespace MlNetGd.IO;

/// <summary>Whether two paths name the same file, and what kind of file a path names: the one sameness rule every check of inputs
/// against outputs uses.</summary>
/// <remarks>
/// <para>Two paths are the same file when, after following symbolic links in every component, they name the same device and inode
/// (so <c>x</c>, <c>./d/../x</c>, a symbolic link to <c>x</c> and a hard link to <c>x</c> are all <c>x</c>), or, for a path that does
/// not exist yet, the same canonical path.</para>
/// <para>The device and inode come from <c>statx(2)</c> on Linux (the BCL exposes neither; statx's layout is the same on every
/// architecture). Elsewhere only canonical paths are compared, so a hard link is not recognized there.</para>
/// </remarks>
public static class FileIdentity
{
    /// <summary>The most symbolic links followed in one path, as Linux's own limit (<c>ELOOP</c>).</summary>
    public const int MaxSymbolicLinks = 40;

    /// <summary>The kind of file a path names, links followed.</summary>
    internal enum FileKind
    {
        Missing,
        Regular,
        Directory,
        Pipe,
        CharacterDevice,
        Other,
    }

    /// <summary>Returns the absolute path with <c>.</c>, <c>..</c> and every symbolic link resolved, component by component (the BCL's
    /// <see cref="Path.GetFullPath(string)"/> is lexical and <see cref="FileSystemInfo.ResolveLinkTarget"/> follows the last component
    /// only). Components that do not exist are kept as they are.</summary>
    /// <exception cref="IOException">The path goes through more than <see cref="MaxSymbolicLinks"/> links (a loop).</exception>
    public static string Canonical(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        // Not Path.GetFullPath: it folds "link/.." lexically, where the file system goes to the parent of the link's target.
        string full = Path.IsPathFullyQualified(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        string current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Parts(full[current.Length..]).Reverse());
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            string? target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxSymbolicLinks)
                throw new IOException($"'{path}' goes through more than {MaxSymbolicLinks} symbolic links (is there a loop?).");
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            foreach (string p in Parts(target).Reverse())
                pending.Push(p);
        }
        return current;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> name the same file or directory (see the remarks).</summary>
    /// <exception cref="IOException">A path goes through a loop of symbolic links.</exception>
    public static bool Same(string a, string b)
    {
        if (Stat(a) is { } x && Stat(b) is { } y)
            return x.Device == y.Device && x.Inode == y.Inode;
        return string.Equals(Canonical(a), Canonical(b), PathComparison);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or lies anywhere under it, links followed.</summary>
    /// <exception cref="IOException">A path goes through a loop of symbolic links.</exception>
    public static bool IsWithin(string path, string directory)
    {
        string canonicalDirectory = Canonical(directory);
        var identity = Stat(canonicalDirectory);
        for (string? ancestor = Canonical(path); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (identity is { } d ? Stat(ancestor) is { } s && s.Device == d.Device && s.Inode == d.Inode
                : string.Equals(ancestor, canonicalDirectory, PathComparison))
                return true;
        }
        return false;
    }

    /// <summary>The kind of file <paramref name="path"/> names, links followed. Without <c>statx</c> (not Linux) a path that exists and
    /// is not a directory counts as a regular file.</summary>
    internal static FileKind KindOf(string path)
    {
        if (Stat(path) is { } s)
        {
            return (s.Mode & TypeMask) switch
            {
                RegularType => FileKind.Regular,
                DirectoryType => FileKind.Directory,
                PipeType => FileKind.Pipe,
                CharacterDeviceType => FileKind.CharacterDevice,
                _ => FileKind.Other,
            };
        }
        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static IEnumerable<string> Parts(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // unreadable: kept as it is, like a component that does not exist
        }
    }

    private const ushort TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000, PipeType = 0x1000, CharacterDeviceType = 0x2000;

    private static bool _noStatx = !OperatingSystem.IsLinux();

    /// <summary>The device, inode and mode of what <paramref name="path"/> names (links followed), or <see langword="null"/> when it
    /// does not exist, cannot be reached, or statx is not available.</summary>
    private static (ulong Device, ulong Inode, ushort Mode)? Stat(string path)
    {
        if (_noStatx)
            return null;
        try
        {
            if (statx(AtCurrentDirectory, path, 0, StatxTypeModeInode, out var buffer) != 0)
                return null;
            return (((ulong)buffer.DeviceMajor << 32) | buffer.DeviceMinor, buffer.Inode, buffer.Mode);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _noStatx = true;   // a libc without statx (glibc before 2.28): compare canonical paths only
            return null;
        }
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatxTypeModeInode = 0x1 | 0x2 | 0x100;   // STATX_TYPE | STATX_MODE | STATX_INO

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project for the same call
    private static extern int statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
#pragma warning restore SYSLIB1054

    /// <summary>The fields of <c>struct statx</c> (linux/stat.h) read here, at their offsets; the struct is 256 bytes on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }
}
