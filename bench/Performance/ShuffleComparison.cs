using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench;

/// <summary>A/B of <see cref="DenseDataset.ShuffleRows"/> (prefetching) against plain Fisher-Yates with the same draws, alternating on the same matrix.</summary>
public static class ShuffleComparison
{
    /// <summary>Runs 3 alternating pairs and reports the medians.</summary>
    public static void Run(DenseDataset data, Report report)
    {
        var plain = new List<double>();
        var prefetching = new List<double>();
        for (int k = 0; k < 3; k++)
        {
            plain.Add(SideBySide.Time(() => PlainFisherYates(data, k)));
            prefetching.Add(SideBySide.Time(() => data.ShuffleRows(k)));
        }
        double p = SideBySide.Median(plain), q = SideBySide.Median(prefetching);
        report.Line($"ShuffleRows A/B (3 alternating pairs, medians): plain Fisher-Yates {SideBySide.F(p)} ms, prefetching ShuffleRows {SideBySide.F(q)} ms: " +
            $"{SideBySide.F(p / q)}x faster.");
    }

    private static void PlainFisherYates(DenseDataset data, int seed)
    {
        int d = data.FeatureCount;
        var x = data.Features;
        var y = data.Labels;
        var rng = new SplitMix64(seed, stream: ulong.MaxValue);
        Span<float> tmp = stackalloc float[d];
        for (int i = data.RowCount - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            if (j == i)
                continue;
            var a = x.AsSpan(i * d, d);
            var b = x.AsSpan(j * d, d);
            a.CopyTo(tmp);
            b.CopyTo(a);
            tmp.CopyTo(b);
            (y[i], y[j]) = (y[j], y[i]);
        }
    }
}
