namespace MlNetGd.Scripting;

/// <summary>Parses the reference of a dotnet-script <c>#r "nuget: Name, Version"</c> directive.</summary>
internal static class NuGetDirective
{
    private const string Prefix = "nuget:";

    /// <summary>Splits <c>nuget: Name, Version</c> (the version may be absent) into the package id and version.</summary>
    /// <returns><see langword="false"/> when the reference is not a <c>nuget:</c> reference.</returns>
    public static bool TryParse(string reference, out string packageId, out string? version)
    {
        packageId = "";
        version = null;
        string text = reference.Trim();
        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            return false;
        string[] parts = text[Prefix.Length..].Split(',', 2, StringSplitOptions.TrimEntries);
        packageId = parts[0];
        version = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
        return true;
    }
}
