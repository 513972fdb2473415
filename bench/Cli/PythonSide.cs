using System.Diagnostics;

namespace MlNetGd.Bench.Cli;

/// <summary>Finds a Python 3 that imports scikit-learn and pandas (Debian's python3-sklearn and python3-pandas), or says why not.</summary>
internal static class PythonSide
{
    public static string Script => Path.Combine(AppContext.BaseDirectory, "sklearn_pipeline.py");

    /// <summary>Returns the interpreter to use, or <see langword="null"/> with the reason on stdout.</summary>
    public static string? Find(string? given)
    {
        foreach (string candidate in given is not null ? [given] : (string[])["python3", "/usr/bin/python3"])
        {
            try
            {
                var start = new ProcessStartInfo(candidate, ["-c", "import sklearn, pandas"]) { RedirectStandardError = true, RedirectStandardOutput = true };
                using var process = Process.Start(start);
                if (process is null)
                    continue;
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode == 0)
                    return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed under this name
            }
        }
        Console.WriteLine("pandas + scikit-learn column skipped: no python3 here imports sklearn and pandas (apt-get install python3-sklearn python3-pandas, or give --python PATH).");
        return null;
    }
}
