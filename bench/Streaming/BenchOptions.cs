using System.Globalization;

namespace MlNetGd.Bench.Streaming;

/// <summary>The benchmark's command-line options.</summary>
internal sealed record BenchOptions(int[] Rows, int Features, int Epochs, string Directory)
{
    public static BenchOptions Parse(string[] args)
    {
        int[] rows = [1_000_000, 4_000_000];
        int features = 64, epochs = 4;
        string directory = Path.GetTempPath();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            switch (args[i])
            {
                case "--rows": rows = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--features": features = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--dir": directory = value; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'. Allowed: --rows, --features, --epochs, --dir.");
            }
        }
        if (epochs < 2)
            throw new ArgumentOutOfRangeException("--epochs", epochs, "must be at least 2 (epoch time is measured between epochs).");
        return new BenchOptions(rows, features, epochs, directory);
    }
}
