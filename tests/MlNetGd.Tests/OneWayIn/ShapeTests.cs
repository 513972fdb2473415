using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.OneWayIn;

/// <summary>The shape the code keeps: a core the compiler keeps free of ML.NET, small stateful types, honest trainer metadata.</summary>
[TestClass]
public sealed class ShapeTests
{
    /// <summary>The most mutable fields (not readonly, not const; auto-property backing fields counted) a type under src/ may have.</summary>
    private const int MaxMutableFields = 12;

    private static readonly Assembly[] SourceAssemblies =
    [
        typeof(TrainingSession).Assembly, typeof(GradientDescentRegressionTrainer).Assembly, typeof(MlNetGd.Comparison.TrainerComparison).Assembly,
        typeof(MlNetGd.Reports.ReportWriter).Assembly, typeof(MlNetGd.Scripting.ScriptRunner).Assembly, typeof(MlNetGd.Cli.CliRunner).Assembly,
        typeof(MlNetGd.Cluster.DistributedGradientDescent).Assembly, typeof(MlNetGd.Interactive.NotebookFormatters).Assembly,
    ];

    [TestMethod]
    public void NoTypeUnderSrcHasMoreThanTwelveMutableFields()
    {
        var offenders = SourceAssemblies.SelectMany(a => a.GetTypes())
            .Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute)) && !t.Name.Contains('<'))
            .Select(t => (Type: t, Fields: t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.IsInitOnly && !f.IsLiteral).Select(f => f.Name).ToArray()))
            .Where(t => t.Fields.Length > MaxMutableFields)
            .Select(t => $"{t.Type.FullName}: {t.Fields.Length} ({string.Join(", ", t.Fields)})")
            .ToArray();
        Assert.AreEqual(0, offenders.Length, string.Join("\n", offenders));
    }

    [TestMethod]
    public void TheCoreReferencesNoMlNetAssemblyOrPackage()
    {
        var core = typeof(TrainingSession).Assembly;
        var mlNet = core.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("Microsoft.ML", StringComparison.Ordinal)).ToArray();
        Assert.AreEqual(0, mlNet.Length, $"the core references {string.Join(", ", mlNet.Select(a => a.Name))}");

        // Its project references no other project and only packages that depend on no ML.NET package.
        string project = Path.Combine(Scripting.ScriptHarness.RepositoryRoot, "src", "Core", "MlNetGd.Trainers.Core.csproj");
        var document = XDocument.Load(project);
        Assert.AreEqual(0, document.Descendants("ProjectReference").Count(), "the core depends on no other project");
        CollectionAssert.AreEquivalent(new[] { "System.Numerics.Tensors", "System.IO.Hashing" },
            document.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToArray());
    }

    [TestMethod]
    public void TheTrainerTellsMlNetWhatItReallyNeeds()
    {
        Assert.IsNull(TrainerInfoFactory.Failure, $"ML.NET changed what the trainer's TrainerInfo is built from: {TrainerInfoFactory.Failure}");
        var info = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options()).Info;
        Assert.IsFalse(info.NeedNormalization, "it standardizes internally");
        Assert.IsFalse(info.WantCaching, "it reads its rows once, into its own copy or cache file");
    }
}
