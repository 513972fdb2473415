namespace MlNetGd.Scripting;

/// <summary>The message for a <c>#r "nuget: ..."</c> that the runner cannot satisfy.</summary>
internal static class UnshippedPackage
{
    /// <summary>Says which package is missing, which ones the runner ships, and how to run the script with dotnet-script instead.</summary>
    public static string Message(string packageId, string? version, string scriptPath) =>
        $"the NuGet package '{packageId}'{(version is null ? "" : $" (version {version})")} is not shipped with mlnetgd. " +
        "'mlnetgd script' satisfies #r \"nuget: ...\" only from the packages it ships: Microsoft.ML*, System.Numerics.Tensors and MlNetGd.*. " +
        $"To use other packages, run the script with dotnet-script, which restores them: dotnet tool install -g dotnet-script, then dotnet script \"{scriptPath}\".";
}
