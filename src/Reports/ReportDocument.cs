namespace MlNetGd.Reports;

/// <summary>The report's content as blocks, rendered to Markdown and HTML alike so the two never disagree.</summary>
internal sealed class ReportDocument
{
    public List<Block> Blocks { get; } = [];

    public void Heading(string text, int level = 2) => Blocks.Add(new HeadingBlock(text, level));

    public void Paragraph(string text) => Blocks.Add(new ParagraphBlock(text));

    public void Bullets(IEnumerable<string> items) => Blocks.Add(new BulletsBlock(items.ToList()));

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) => Blocks.Add(new TableBlock(headers, rows.ToList()));

    public void Image(string fileName, string caption) => Blocks.Add(new ImageBlock(fileName, caption));

    internal abstract record Block;

    internal sealed record HeadingBlock(string Text, int Level) : Block;

    internal sealed record ParagraphBlock(string Text) : Block;

    internal sealed record BulletsBlock(IReadOnlyList<string> Items) : Block;

    internal sealed record TableBlock(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;

    internal sealed record ImageBlock(string FileName, string Caption) : Block;
}
