using System.Runtime.InteropServices;

namespace MlNetGd.Cluster;

/// <summary>A round's shards reduced into one epoch: the row-weighted averages of their last and averaged iterates and their
/// row-weighted cost, added in shard order in double, so one seed and one shard layout give the same bits (one shard: its own).</summary>
internal sealed record RoundReduction(float[] Parameters, float[] Average, double Cost, long Rows, int Steps)
{
    /// <summary>Reduces <paramref name="results"/>, in the order given, for <paramref name="parameterCount"/> parameters.</summary>
    /// <exception cref="InvalidDataException">A result does not hold <paramref name="parameterCount"/> parameters.</exception>
    public static RoundReduction Of(IReadOnlyList<RoundResult> results, int parameterCount)
    {
        long rows = results.Sum(r => r.Rows);
        var last = new double[parameterCount];
        var average = new double[parameterCount];
        double costSum = 0;
        foreach (var result in results)
        {
            var shardLast = MemoryMarshal.Cast<byte, float>(result.Last);
            var shardAverage = MemoryMarshal.Cast<byte, float>(result.Average);
            if (shardLast.Length != parameterCount || shardAverage.Length != parameterCount)
                throw new InvalidDataException($"A shard returned {shardLast.Length} parameters; the fit has {parameterCount}.");
            double weight = (double)result.Rows / rows;
            for (int j = 0; j < parameterCount; j++)
            {
                last[j] += weight * shardLast[j];
                average[j] += weight * shardAverage[j];
            }
            costSum += result.CostSum;
        }
        return new RoundReduction(Array.ConvertAll(last, v => (float)v), Array.ConvertAll(average, v => (float)v), costSum / rows, rows,
            results.Sum(r => r.Steps));
    }
}
