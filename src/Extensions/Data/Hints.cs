namespace MlNetGd.Data;

/// <summary>What an error about a cell adds so the user can fix it: a decimal comma, or a separator that looks wrong.</summary>
internal static class Hints
{
    /// <summary>Returns the hint for a cell (with a leading space), or an empty string.</summary>
    /// <param name="text">The cell, or an unsplit header.</param>
    /// <param name="separator">The field separator the file was read with.</param>
    public static string ForCell(string text, char separator)
    {
        // A decimal comma is not a separator problem: giving --separator , would split every number in two.
        if (NumberText.LooksLikeDecimalComma(text))
            return $" It looks like a number with a decimal comma: give --decimal-separator , (the field separator stays {Show(separator)}).";
        foreach (char c in ",;\t|")
        {
            if (c != separator && text.Contains(c))
                return $" Is the separator right? It is {Show(separator)}, but the text holds {Show(c)}: give that separator (--separator {(c == '\t' ? "tab" : c.ToString())}).";
        }
        return "";
    }

    /// <summary>Returns at most 60 characters of a cell.</summary>
    public static string Excerpt(string text)
    {
        text = text.Replace("\n", "\\n", StringComparison.Ordinal);    // a cell of a record that spans lines: the message stays one line
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static string Show(char c) => c == '\t' ? "a tab" : $"'{c}'";
}
