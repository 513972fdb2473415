using System.Text;

namespace MlNetGd.Bench;

/// <summary>Collects the results as Markdown, echoing them to the console as they come.</summary>
public sealed class Report
{
    private readonly StringBuilder _text = new();

    /// <summary>Starts a section.</summary>
    public void Section(string title) => Write($"\n### {title}\n");

    /// <summary>Adds a paragraph.</summary>
    public void Line(string text) => Write(text + "\n");

    /// <summary>Adds a table.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var lines = new StringBuilder();
        lines.Append("| ").AppendJoin(" | ", header).Append(" |\n");
        lines.Append('|').AppendJoin("|", header.Select(_ => "---")).Append("|\n");
        foreach (var row in rows)
            lines.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        Write(lines.ToString());
    }

    /// <summary>Writes the collected Markdown to <paramref name="path"/> (through a temporary file, then a rename).</summary>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp";
        File.WriteAllText(temp, _text.ToString());
        File.Move(temp, full, overwrite: true);
    }

    private void Write(string text)
    {
        _text.Append(text);
        Console.Write(text);
    }
}
