using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MlNetGd.Scripting;

/// <summary>The compiler settings dotnet-script uses for a script, so that a script that compiles here compiles there.</summary>
/// <remarks>
/// <para>Taken from dotnet-script 2.0.0 (<c>src/Dotnet.Script.Core/ScriptCompiler.cs</c>): it starts from Roslyn's
/// <c>ScriptOptions.Default</c> (nullable context disabled, warning level 4, unsafe code allowed, no overflow checks), adds
/// <see cref="Imports"/>, sets <see cref="LanguageVersion"/> to Preview, and then makes the nullable warnings
/// CS8600–CS8655 errors (<see cref="SpecificDiagnosticOptions"/>). With the nullable context disabled, an annotation such
/// as <c>string?</c> is warning CS8632, so under dotnet-script it stops the script: a script must not use nullable
/// annotations (or must say <c>#nullable enable</c> itself).</para>
/// <para>What is not the same: dotnet-script compiles in Debug unless given <c>-c release</c> (this runner compiles in
/// Release), prints warnings (this runner prints only errors), and references what its restore of a generated project
/// yields (this runner references the framework and the assemblies it ships).</para>
/// </remarks>
internal static class DotnetScriptDefaults
{
    /// <summary>The namespaces (and the one type, <c>System.Console</c>, as a static import) a script sees without <c>using</c>.</summary>
    public static readonly ImmutableArray<string> Imports =
    [
        "System",
        "System.IO",
        "System.Collections.Generic",
        "System.Console",
        "System.Diagnostics",
        "System.Dynamic",
        "System.Linq",
        "System.Linq.Expressions",
        "System.Text",
        "System.Threading.Tasks",
    ];

    /// <summary>The language version: Preview, the newest the compiler knows.</summary>
    public const LanguageVersion LanguageVersion = Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview;

    /// <summary>The nullable context: disabled (Roslyn's default for scripts, which dotnet-script keeps).</summary>
    public const NullableContextOptions NullableContext = NullableContextOptions.Disable;

    /// <summary>The warning level: 4 (Roslyn's default for scripts, which dotnet-script keeps).</summary>
    public const int WarningLevel = 4;

    /// <summary>The first and last of the diagnostics dotnet-script reports as errors: the nullable warnings CS8600–CS8655.</summary>
    public const int FirstNullableDiagnostic = 8600, LastNullableDiagnostic = 8655;

    /// <summary>The diagnostics reported with another severity than the compiler's: CS8600–CS8655 as errors.</summary>
    public static readonly ImmutableDictionary<string, ReportDiagnostic> SpecificDiagnosticOptions =
        Enumerable.Range(FirstNullableDiagnostic, LastNullableDiagnostic - FirstNullableDiagnostic + 1)
            .ToImmutableDictionary(id => $"CS{id}", _ => ReportDiagnostic.Error);

    /// <summary>Returns <paramref name="options"/> with dotnet-script's nullable context, warning level and diagnostic severities.</summary>
    public static CSharpCompilationOptions Apply(CSharpCompilationOptions options) => options
        .WithNullableContextOptions(NullableContext)
        .WithWarningLevel(WarningLevel)
        .WithSpecificDiagnosticOptions(SpecificDiagnosticOptions);
}
