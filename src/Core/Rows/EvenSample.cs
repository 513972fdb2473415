namespace MlNetGd.Trainers.Core;

/// <summary>The evenly spaced sample of rows that the curvature estimate, the standardization and the divergence scale read.</summary>
internal static class EvenSample
{
    /// <summary>Returns the row of sample position <paramref name="k"/> when <paramref name="m"/> rows are taken from <paramref name="n"/>.</summary>
    public static int Row(int k, int m, int n) => (int)((long)k * n / m);
}
