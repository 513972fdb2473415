using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MlNetGd.Reports;

/// <summary>Renders a <see cref="ReportDocument"/> as Markdown, or as one self-contained HTML page with the charts embedded as base64.</summary>
internal static partial class ReportRenderer
{
    public static string Markdown(ReportDocument document)
    {
        var text = new StringBuilder();
        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case ReportDocument.HeadingBlock h:
                    text.Append('#', h.Level).Append(' ').AppendLine(M(h.Text)).AppendLine();
                    break;
                case ReportDocument.ParagraphBlock p:
                    text.AppendLine(M(p.Text)).AppendLine();
                    break;
                case ReportDocument.BulletsBlock b:
                    foreach (string item in b.Items)
                        text.Append("- ").AppendLine(M(item));
                    text.AppendLine();
                    break;
                case ReportDocument.TableBlock t:
                    text.Append("| ").AppendJoin(" | ", t.Headers.Select(M)).AppendLine(" |");
                    text.Append('|').AppendJoin("", t.Headers.Select(_ => "---|")).AppendLine();
                    foreach (var row in t.Rows)
                        text.Append("| ").AppendJoin(" | ", row.Select(c => M(c).Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
                    text.AppendLine();
                    break;
                case ReportDocument.ImageBlock i:
                    text.Append("![").Append(M(i.Caption)).Append("](").Append(i.FileName).AppendLine(")").AppendLine();
                    break;
            }
        }
        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>One self-contained HTML page: <see cref="HtmlFragment"/> in a body.</summary>
    public static string Html(ReportDocument document, IReadOnlyDictionary<string, byte[]> images, string title) =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + E(title) + "</title>\n<style>\n" +
        "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}\n</style>\n</head>\n<body>\n" +
        HtmlFragment(document, images) + "</body>\n</html>\n";

    /// <summary>The report as one &lt;div&gt; whose styles apply to it alone, so a notebook cell or another page can hold it.</summary>
    public static string HtmlFragment(ReportDocument document, IReadOnlyDictionary<string, byte[]> images)
    {
        var html = new StringBuilder();
        html.Append("<div class=\"mlnetgd-report\">\n<style>\n")
            .Append(".mlnetgd-report table{border-collapse:collapse;margin:1em 0}.mlnetgd-report th,.mlnetgd-report td{border:1px solid #ccc;padding:4px 8px;text-align:right}\n")
            .Append(".mlnetgd-report th:first-child,.mlnetgd-report td:first-child{text-align:left}.mlnetgd-report th{background:#f3f3f3}\n")
            .Append(".mlnetgd-report img{max-width:100%;border:1px solid #eee}.mlnetgd-report figure{margin:1em 0}.mlnetgd-report figcaption{color:#555;font-size:90%}\n</style>\n");
        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case ReportDocument.HeadingBlock h:
                    html.Append($"<h{h.Level}>").Append(E(h.Text)).Append($"</h{h.Level}>\n");
                    break;
                case ReportDocument.ParagraphBlock p:
                    html.Append("<p>").Append(E(p.Text)).Append("</p>\n");
                    break;
                case ReportDocument.BulletsBlock b:
                    html.Append("<ul>\n");
                    foreach (string item in b.Items)
                        html.Append("<li>").Append(E(item)).Append("</li>\n");
                    html.Append("</ul>\n");
                    break;
                case ReportDocument.TableBlock t:
                    html.Append("<table>\n<tr>");
                    foreach (string header in t.Headers)
                        html.Append("<th>").Append(E(header)).Append("</th>");
                    html.Append("</tr>\n");
                    foreach (var row in t.Rows)
                    {
                        html.Append("<tr>");
                        foreach (string cell in row)
                            html.Append("<td>").Append(E(cell)).Append("</td>");
                        html.Append("</tr>\n");
                    }
                    html.Append("</table>\n");
                    break;
                case ReportDocument.ImageBlock i when images.TryGetValue(i.FileName, out var png):
                    html.Append("<figure><img alt=\"").Append(E(i.Caption)).Append("\" src=\"data:image/png;base64,")
                        .Append(Convert.ToBase64String(png)).Append("\"><figcaption>").Append(E(i.Caption)).Append("</figcaption></figure>\n");
                    break;
            }
        }
        html.Append("</div>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text).Replace("`", "", StringComparison.Ordinal);

    /// <summary>Text for Markdown, where a '&lt;' that could open a tag (a column name such as &lt;img onerror=…&gt;) is written as
    /// the entity, so the page shows the name instead of running it; any other '&lt;' ("R² &lt; 0") stays readable.</summary>
    private static string M(string text) => TagStart().Replace(text, "&lt;");

    [GeneratedRegex("<(?=[A-Za-z/!?])")]
    private static partial Regex TagStart();
}
