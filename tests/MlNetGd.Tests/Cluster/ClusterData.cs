using System.Globalization;
using System.Text;
using Microsoft.ML;
using MlNetGd.Cluster;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Tests.Cluster;

/// <summary>CSV shards for the cluster tests, written to a fresh directory: dense numeric rows, or one-hot (Zipf-distributed shops and
/// cities, a yes/no column) with numbers, plus a held-out file and the training rows in one file for the single-process fit.</summary>
internal sealed class ClusterData : IDisposable
{
    private ClusterData(string directory, string[] shards, string all, string test)
    {
        Directory = directory;
        Shards = shards;
        All = all;
        Test = test;
    }

    public string Directory { get; }

    public string[] Shards { get; }

    /// <summary>Gets every training row in one file (the shards in order).</summary>
    public string All { get; }

    public string Test { get; }

    public const string Label = "y";

    public static ClusterData Write(bool oneHot, int shards = 3, int rowsPerShard = 3000, int testRows = 3000, int seed = 1)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"mlnetgd-cluster-test-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var random = new Random(seed);
        string header = oneHot ? "shop,city,promo,amount,y" : "x1,x2,x3,x4,x5,x6,y";
        var shopEffect = Enumerable.Range(0, 40).Select(_ => random.NextDouble() * 20 - 10).ToArray();
        var cityEffect = Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 10 - 5).ToArray();
        string Row()
        {
            if (oneHot)
            {
                int shop = Zipf(random, 40), city = Zipf(random, 8);
                bool promo = random.NextDouble() < 0.3;
                double amount = random.NextDouble() * 100;
                double y = 50 + shopEffect[shop] + cityEffect[city] + (promo ? 4 : 0) + 0.3 * amount + Gaussian(random) * 2;
                return string.Create(CultureInfo.InvariantCulture, $"s{shop},c{city},{(promo ? "yes" : "no")},{amount:F3},{y:F4}");
            }
            double[] scales = [1, 10, 0.1, 100, 3, 1];
            var x = scales.Select(s => Gaussian(random) * s + s).ToArray();
            double label = 3 + 2 * x[0] - 0.5 * x[1] + 40 * x[2] + 0.01 * x[3] + x[4] - 3 * x[5] + Gaussian(random);
            return string.Join(',', x.Select(v => v.ToString("F5", CultureInfo.InvariantCulture))) + "," + label.ToString("F5", CultureInfo.InvariantCulture);
        }
        var paths = new string[shards];
        var all = new StringBuilder(header + "\n");
        for (int j = 0; j < shards; j++)
        {
            var text = new StringBuilder(header + "\n");
            for (int i = 0; i < rowsPerShard; i++)
                text.Append(Row()).Append('\n');
            paths[j] = Path.Combine(directory, $"shard{j}.csv");
            File.WriteAllText(paths[j], text.ToString());
            all.Append(text.ToString().AsSpan(header.Length + 1));
        }
        string allPath = Path.Combine(directory, "all.csv");
        File.WriteAllText(allPath, all.ToString());
        var test = new StringBuilder(header + "\n");
        for (int i = 0; i < testRows; i++)
            test.Append(Row()).Append('\n');
        string testPath = Path.Combine(directory, "test.csv");
        File.WriteAllText(testPath, test.ToString());
        return new ClusterData(directory, paths, allPath, testPath);
    }

    /// <summary>Fits the featurization through the cluster, trains there, and returns the held-out MSE with that of a single-process fit
    /// of the same rows (the same featurizer, the trainer's default options).</summary>
    public async Task<(double Distributed, double Local, DistributedFit Fit)> CompareWithLocal(IClusterClient client, DistributedOptions options)
    {
        var featurization = await ClusterFeaturization.FitAsync(client, Shards, Label, null, null, options);
        var fit = await DistributedGradientDescent.FitAsync(client, Shards, featurization.Format, options);
        var ml = new MLContext(options.Seed);
        var file = MlNetGd.Data.DelimitedFile.Read(All);
        var columns = featurization.Format.Columns.Select(c => (c.Name, c.IsNumber ? Microsoft.ML.Data.DataKind.Single : Microsoft.ML.Data.DataKind.String)).ToArray();
        var train = featurization.Featurizer.Transform(file.Load(ml, columns));
        var local = new GradientDescentRegressionTrainer(new GradientDescentRegressionTrainer.Options { LabelColumnName = Label, Seed = options.Seed }).Fit(train);
        var test = featurization.Featurizer.Transform(MlNetGd.Data.DelimitedFile.Read(Test).Load(ml, columns));
        double Mse(ITransformer model) => ml.Regression.Evaluate(model.Transform(test), Label).MeanSquaredError;
        return (Mse(fit.Model), Mse(local), fit);
    }

    public static DistributedOptions Options(int seed = 3) => new() { Seed = seed, FaultTimeout = TimeSpan.FromSeconds(5) };

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a process the test started; the temporary directory is cleaned by the system
        }
    }

    private static int Zipf(Random random, int levels)
    {
        double total = 0;
        for (int k = 1; k <= levels; k++)
            total += 1 / Math.Pow(k, 1.1);
        double u = random.NextDouble() * total;
        for (int k = 1; k <= levels; k++)
        {
            u -= 1 / Math.Pow(k, 1.1);
            if (u <= 0)
                return k - 1;
        }
        return levels - 1;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
