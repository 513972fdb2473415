namespace MlNetGd.Data;

/// <summary>A data file is missing, unreadable or malformed; the message names the file and, for a bad row, the line and column.</summary>
public sealed class DataFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lineNumber">The 1-based line number, or 0 when the problem is not one line.</param>
    /// <param name="message">The message.</param>
    /// <param name="inner">The cause, if any.</param>
    public DataFileException(string path, int lineNumber, string message, Exception? inner = null)
        : base(message, inner)
    {
        FilePath = path;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line number of the bad row, or 0.</summary>
    public int LineNumber { get; }
}
