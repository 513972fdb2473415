using System.Globalization;
using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MlNetGd.IO;

/// <summary>The names of the temporaries written beside a target, and which of them are provably dead leftovers: the one naming and
/// cleanup rule of <see cref="AtomicFile"/>, <see cref="AtomicDirectory"/> and <see cref="InputSpool"/>.</summary>
/// <remarks>
/// <para>A temporary of <c>dir/name</c> is <c>dir/.name.PID-START.HEX.tmp</c> (or <c>.old</c>): the owner (<see cref="ProcessOwner"/>:
/// process id and start time) and 32 random hex digits. Versions before the owner was recorded wrote <c>.name.HEX.tmp</c>.</para>
/// <para>A leftover belongs to exactly one target: the text between <c>.name.</c> and the end must be the owner and hex part, so the
/// temporaries of <c>rep.b</c> are never taken for those of <c>rep</c>, and a name holding <c>*</c> or <c>?</c> is matched as text,
/// never as a pattern. It is dead when its owner is not running (a process id reused by another process does not count); one whose
/// owner cannot be told (an older version's) is dead only when the caller proves it otherwise: it holds the target's lock, or (for a
/// file, which every writer holds open exclusively until it is renamed) nobody holds the file.</para>
/// </remarks>
internal static partial class TemporaryNames
{
    /// <summary>Returns a new temporary name for <paramref name="fullPath"/>, beside it, owned by this process.</summary>
    public static string For(string fullPath, string extension = "tmp") =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Stem(Path.GetFileName(fullPath))}.{ProcessOwner.Current}.{Guid.NewGuid():N}.{extension}");

    /// <summary>The part of a temporary's (or a lock file's) name that stands for the target named <paramref name="fileName"/>: the name
    /// itself, or, when it is too long to take the owner and the hex digits beside it within a file name's 255 bytes, its first
    /// characters, '~' and 16 hex digits of its SHA-256, so that every valid output name can be written.</summary>
    public static string Stem(string fileName)
    {
        if (Encoding.UTF8.GetByteCount(fileName) <= MaxStemBytes)
            return fileName;
        var kept = new StringBuilder();
        int bytes = 0;
        foreach (var rune in fileName.EnumerateRunes())
        {
            if ((bytes += rune.Utf8SequenceLength) > ShortenedBytes)
                break;
            kept.Append(rune.ToString());
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fileName)))[..16];
        return $"{kept}~{hash}";
    }

    /// <summary>The longest target name used as it is: 255 bytes less the dots, the owner (up to 30 characters), 32 hex digits and
    /// the extension.</summary>
    private const int MaxStemBytes = 180;

    private const int ShortenedBytes = 100;

    /// <summary>Whether <paramref name="fileName"/> has the form of a temporary name (of any target).</summary>
    public static bool IsTemporary(string fileName) => AnyTemporary().IsMatch(fileName);

    /// <summary>The temporaries of <paramref name="fullPath"/> that exist beside it (files or directories, as asked), with their owner
    /// (<see langword="null"/> for an older version's name, which records none).</summary>
    public static IEnumerable<(string Path, ProcessOwner? Owner)> Of(string fullPath, bool directories)
    {
        string directory = Path.GetDirectoryName(fullPath)!;
        string prefix = $".{Stem(Path.GetFileName(fullPath))}.";
        var entries = new FileSystemEnumerable<string>(directory, (ref FileSystemEntry e) => e.ToFullPath(), AllEntries)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => e.IsDirectory == directories && e.FileName.StartsWith(prefix, StringComparison.Ordinal),
        };
        foreach (string entry in entries)
        {
            var match = OwnSuffix().Match(Path.GetFileName(entry), prefix.Length);
            if (!match.Success)
                continue;
            if (!match.Groups["pid"].Success)
                yield return (entry, null);
            else if (int.TryParse(match.Groups["pid"].ValueSpan, CultureInfo.InvariantCulture, out int pid)
                && long.TryParse(match.Groups["start"].ValueSpan, CultureInfo.InvariantCulture, out long start))
                yield return (entry, new ProcessOwner(pid, start));
        }
    }

    /// <summary>Deletes the temporaries of <paramref name="fullPath"/> that are provably dead and returns how many were deleted: those
    /// <paramref name="isUnheld"/> accepts whose owner is not running, and, when <paramref name="ownerlessAreDead"/> (the caller has proof,
    /// see the remarks), those <paramref name="isUnheld"/> accepts of older versions that record no owner.</summary>
    public static int RemoveDead(string fullPath, bool directories, Func<string, bool> isUnheld, bool ownerlessAreDead)
    {
        int removed = 0;
        foreach (var (path, owner) in Of(fullPath, directories).ToList())
        {
            bool dead = owner is { } o ? !o.IsAlive : ownerlessAreDead;
            if (dead && isUnheld(path) && Temporaries.TryDelete(path))
                removed++;
        }
        return removed;
    }

    /// <summary>Every entry: the default options skip hidden ones, which on Unix are all names starting with a dot, as ours do.</summary>
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    [GeneratedRegex(@"\G((?<pid>[0-9]{1,10})-(?<start>[0-9]{1,19})\.)?[0-9a-f]{32}\.(tmp|old)\z", RegexOptions.CultureInvariant)]
    private static partial Regex OwnSuffix();

    [GeneratedRegex(@"^\..+\.([0-9]{1,10}-[0-9]{1,19}\.)?[0-9a-f]{32}\.(tmp|old)\z", RegexOptions.CultureInvariant)]
    private static partial Regex AnyTemporary();
}
