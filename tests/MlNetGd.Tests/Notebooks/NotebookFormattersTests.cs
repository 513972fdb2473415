using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd.Interactive;
using MlNetGd.Tests.Comparison;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Notebooks;

/// <summary>MlNetGd.Interactive's formatters, without a notebook: what a cell shows for a history and for a comparison.</summary>
[TestClass]
public sealed class NotebookFormattersTests
{
    [TestMethod]
    public void AHistoryShowsItsSummaryAndItsCostChart()
    {
        NotebookFormatters.Register();
        var data = DenseDataset.FromRows([[1f], [2f], [3f]], [2f, 4f, 6f]);
        TrainingHistory history = new GradientDescentLoop(new GradientDescentSettings
        {
            LearningRate = 0.01f, BatchSize = 3, NumberOfEpochs = 50, Tolerance = 0, StandardizeFeatures = false, Averaged = false,
        }).Run(data, new LinearModel(featureCount: 1));

        string html = history.ToDisplayString(NotebookFormatters.HtmlMimeType);

        StringAssert.StartsWith(html, "<div class=\"mlnetgd-history\"><p>50 epochs, final cost");
        StringAssert.Contains(html, "<img alt=\"cost per epoch\"");
        StringAssert.Contains(html, "src=\"data:image/png;base64,iVBORw0KGgo");   // a PNG's first bytes
        CollectionAssert.Contains(Formatter.GetPreferredMimeTypesFor(typeof(TrainingHistory)).ToList(), NotebookFormatters.HtmlMimeType);
    }

    [TestMethod]
    public void AComparisonShowsTheReportsTablesAndChartsInOneDiv()
    {
        NotebookFormatters.Register();
        var result = TrainerComparison.Run(ComparisonData.Linear(new MLContext(1), 300), new ComparisonOptions
        {
            Plan = EvaluationPlan.CrossValidation(2),
            Seed = 1,
            TimingRepeats = 1,
            Trainers = [ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca],
        });

        string html = result.ToDisplayString(NotebookFormatters.HtmlMimeType);

        StringAssert.StartsWith(html, "<div class=\"mlnetgd-report\">");
        Assert.IsFalse(html.Contains("<body", StringComparison.Ordinal), "a fragment, not a page");
        StringAssert.Contains(html, "<td>SDCA</td>");
        StringAssert.Contains(html, "<h2>Verdict</h2>");
        Assert.IsFalse(html.Contains("results.json", StringComparison.Ordinal), "a notebook has no results.json beside it");
        Assert.AreEqual(4, html.Split("src=\"data:image/png;base64,").Length - 1, "cost, metrics and two predicted-vs-actual charts");
    }
}
