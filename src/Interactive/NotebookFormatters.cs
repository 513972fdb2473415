using System.Net;
using Microsoft.DotNet.Interactive.Formatting;
using MlNetGd.Comparison;
using MlNetGd.Reports;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Interactive;

/// <summary>Shows MlNetGd's results in a Polyglot (.NET Interactive) notebook: a <see cref="TrainingHistory"/> as its summary and
/// cost-per-epoch chart, a <see cref="ComparisonResult"/> as the comparison report (verdict, tables, charts).</summary>
/// <remarks>Loading the package with <c>#r "nuget: MlNetGd.Interactive, …"</c> registers them: the package's
/// <c>interactive-extensions/dotnet/extension.dib</c> calls <see cref="Register"/>. A host that runs no package extensions can call
/// it itself. The charts are the report's own (<see cref="ChartRenderer"/>, PNG embedded in the HTML).</remarks>
public static class NotebookFormatters
{
    /// <summary>The MIME type the formatters write.</summary>
    public const string HtmlMimeType = "text/html";

    /// <summary>Registers the HTML formatters and makes HTML the preferred display of both types; calling it again changes nothing.</summary>
    public static void Register()
    {
        Formatter.Register<TrainingHistory>((history, writer) => writer.Write(Html(history)), HtmlMimeType);
        Formatter.Register<ComparisonResult>((result, writer) => writer.Write(ReportWriter.ToHtml(result)), HtmlMimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(TrainingHistory), HtmlMimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(ComparisonResult), HtmlMimeType);
    }

    /// <summary>Returns a fit's history as HTML: its summary line and, when it ran an epoch, the cost-per-epoch chart.</summary>
    /// <param name="history">The history (<c>trainer.LastHistory</c>, or what <c>GradientDescentLoop.Run</c> returns).</param>
    public static string Html(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        string summary = "<p>" + WebUtility.HtmlEncode(history.ToString()) + "</p>";
        string chart = ChartRenderer.CostPerEpoch(history) is { } png
            ? $"<img alt=\"cost per epoch\" style=\"max-width:100%\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">"
            : "";
        return $"<div class=\"mlnetgd-history\">{summary}{chart}</div>";
    }
}
