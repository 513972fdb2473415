using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Comparison;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Bench.Sparse;

internal static class SparseCases
{
    public static string[] TrainersFor(string c) => c == "hashed" ? ["gd", "gd-inplace", "sdca"] : ["optimum", "gd", "gd-inplace", "sdca", "ogd"];

    public static void Run(string c, string trainer, string? dataPath)
    {
        var ml = new MLContext(seed: 1);
        var (train, test, label, describe) = c switch
        {
            "birdstrikes" => Birdstrikes(ml, dataPath ?? FindShared("birdstrikes.csv")),
            "text" => Text(ml),
            "zipf" => Zipf(ml),
            "hashed" => Hashed(ml),
            _ => throw new ArgumentException($"Unknown case '{c}': use birdstrikes, text, zipf, hashed or all."),
        };
        // Featurized rows held by ML.NET's cache, as a pipeline with AppendCacheCheckpoint would hold them; filled before timing.
        train = ml.Data.Cache(train);
        test = ml.Data.Cache(test);
        Touch(train, label);
        Touch(test, label);
        long before = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        string extra = "";
        double rmse;
        if (trainer.StartsWith("probe-", StringComparison.Ordinal))
        {
            MethodProbe.Run(train, test, label, trainer["probe-".Length..]);
            return;
        }
        if (trainer == "profile")
        {
            var t0 = Stopwatch.StartNew();
            var rows = DataViewReader.ReadRows(train, label, "Features", false, out _);
            double read = t0.Elapsed.TotalSeconds;
            rows.ShuffleRows(0);
            double shuffle = t0.Elapsed.TotalSeconds - read;
            var settings = new GradientDescentSettings();
            var model = new LinearModel(rows.FeatureCount);
            var batches = new CachedBatches(rows, settings.BatchSize, true, 0);
            var session = TrainingSession.Start(settings, Survey.Take(batches, settings.StandardizeFeatures), batches.SmallestBatch, model);
            double start = t0.Elapsed.TotalSeconds - read - shuffle;
            var history = GradientDescentLoop.Run(session, batches);
            double loop = t0.Elapsed.TotalSeconds - read - shuffle - start;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read {read:F3} s, shuffle {shuffle:F3} s, start (standardization, rate) {start:F3} s, {history.Epochs.Count} epochs {loop:F3} s ({loop / history.Epochs.Count:F3} s each)"));
            return;
        }
        if (trainer == "optimum")
        {
            var rows = DataViewReader.ReadRows(train, label, "Features", false, out _);
            var solution = LeastSquaresSolver.Optimum(rows);
            clock.Stop();
            var testRows = DataViewReader.ReadRows(test, label, "Features", false, out _);
            rmse = solution.Weights is null ? double.NaN : Math.Sqrt(LeastSquaresSolver.MeanSquaredError(testRows, solution.Weights, solution.Bias));
            extra = solution.Reason ?? $"solved by {solution.Method}";
        }
        else
        {
            IEstimator<ITransformer> estimator = trainer switch
            {
                "gd" => ml.Regression.Trainers.GradientDescent(labelColumnName: label),
                "gd-inplace" => ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { LabelColumnName = label, RowSource = RowSource.InPlace }),
                "gd-1thread" => ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { LabelColumnName = label, NumberOfThreads = 1 }),
                // gd-epochs<k>: the default fit stopped after at most k epochs (the same trajectory: the limit only stops it earlier).
                _ when trainer.StartsWith("gd-epochs", StringComparison.Ordinal) && int.TryParse(trainer.AsSpan("gd-epochs".Length), out int limit) =>
                    ml.Regression.Trainers.GradientDescent(new GradientDescentRegressionTrainer.Options { LabelColumnName = label, NumberOfEpochs = limit }),
                "sdca" => ml.Regression.Trainers.Sdca(labelColumnName: label),
                "ogd" => ml.Regression.Trainers.OnlineGradientDescent(labelColumnName: label),
                _ => throw new ArgumentException($"Unknown trainer '{trainer}'."),
            };
            ITransformer model;
            try
            {
                model = estimator.Fit(train);
            }
            catch (Exception e)
            {
                Console.WriteLine($"| {c} | {trainer} | failed: {e.GetType().Name}: {e.Message.Split('.')[0]} | | | |");
                return;
            }
            clock.Stop();
            rmse = ml.Regression.Evaluate(model.Transform(test), label).RootMeanSquaredError;
            if (estimator is GradientDescentRegressionTrainer gd && gd.LastHistory is { } h)
                extra = string.Create(CultureInfo.InvariantCulture, $"{h.Epochs.Count} epochs, rate {h.LearningRate:G3}, {h.StopReason}, rows: {h.RowSource}");
        }
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {c} ({describe}) | {trainer} | {rmse:G6} | {clock.Elapsed.TotalSeconds:F2} s | {self.PeakWorkingSet64 / 1048576.0:F0} MiB | {extra} |"));
    }

    private static void Touch(IDataView data, string label)
    {
        using var cursor = data.GetRowCursor(data.Schema);
        var get = cursor.GetGetter<float>(data.Schema[label]);
        float y = 0;
        while (cursor.MoveNext())
            get(ref y);
    }

    private static string FindShared(string name)
    {
        foreach (string dir in new[] { "data", "../shared/data", "../../shared/data", "/work/shared/data" })
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        throw new FileNotFoundException($"{name} not found in data/ or ../shared/data; pass its path as the third argument.");
    }

    private static readonly string[] BirdCategoricals =
        ["Airport Name", "Aircraft Make Model", "Effect Amount of damage", "Aircraft Airline Operator", "Origin State", "Phase of flight",
         "Wildlife Size", "Wildlife Species", "Time of day"];

    private static (IDataView, IDataView, string, string) Birdstrikes(MLContext ml, string path)
    {
        var columns = BirdCategoricals.Select((name, i) => new TextLoader.Column(Safe(name), DataKind.String, Index(path, name))).ToList();
        columns.Add(new TextLoader.Column("Label", DataKind.Single, Index(path, "Speed IAS in knots")));
        var data = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = columns.ToArray(), Separators = [','], HasHeader = true, AllowQuoting = true, MissingRealsAsNaNs = true,
        }).Load(path);
        data = ml.Data.FilterRowsByMissingValues(data, "Label");
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var featurize = ml.Transforms.Categorical.OneHotEncoding(BirdCategoricals.Select(n => new InputOutputColumnPair(Safe(n))).ToArray())
            .Append(ml.Transforms.Concatenate("Features", BirdCategoricals.Select(Safe).ToArray()));
        var model = featurize.Fit(split.TrainSet);
        var train = model.Transform(split.TrainSet);
        return (train, model.Transform(split.TestSet), "Label", $"{Width(train)} one-hot slots");
    }

    private static string Safe(string name) => new(name.Where(char.IsLetterOrDigit).ToArray());

    private static int Index(string path, string column)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()!.Split(',');
        return Array.IndexOf(header, column) is var i and >= 0 ? i : throw new ArgumentException($"No column '{column}' in {path}.");
    }

    private static int Width(IDataView data) => ((VectorDataViewType)data.Schema["Features"].Type).Size;

    // Product descriptions: words drawn from a Zipf vocabulary; the price is a sum of per-word effects plus noise.
    private sealed class Product
    {
        public string Description { get; set; } = "";

        public float Label { get; set; }
    }

    private static (IDataView, IDataView, string, string) Text(MLContext ml)
    {
        const int vocabulary = 20000, rows = 50000;
        var rng = new Random(7);
        var effect = Enumerable.Range(0, vocabulary).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray();
        var zipf = new ZipfSampler(vocabulary, 1.05, rng);
        var products = new Product[rows];
        for (int i = 0; i < rows; i++)
        {
            int length = 5 + rng.Next(15);
            var words = new string[length];
            double price = 20;
            for (int k = 0; k < length; k++)
            {
                int w = zipf.Next();
                words[k] = "w" + w.ToString(CultureInfo.InvariantCulture);
                price += effect[w];
            }
            products[i] = new Product { Description = string.Join(' ', words), Label = (float)(price + rng.NextDouble() * 4 - 2) };
        }
        var data = ml.Data.LoadFromEnumerable(products);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
        var featurize = ml.Transforms.Text.FeaturizeText("Features", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new Microsoft.ML.Transforms.Text.WordBagEstimator.Options { NgramLength = 1 },
            CharFeatureExtractor = null,
            Norm = Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.NormFunction.None,
        }, nameof(Product.Description));
        var model = featurize.Fit(split.TrainSet);
        var train = model.Transform(split.TrainSet);
        return (train, model.Transform(split.TestSet), "Label", $"{rows / 1000}k rows, {Width(train)} word-bag slots");
    }

    private sealed class Categories
    {
        public string C0 { get; set; } = "";
        public string C1 { get; set; } = "";
        public string C2 { get; set; } = "";
        public string C3 { get; set; } = "";
        public string C4 { get; set; } = "";
        public string C5 { get; set; } = "";
        public string C6 { get; set; } = "";
        public string C7 { get; set; } = "";

        [VectorType(4)]
        public float[] Numbers { get; set; } = [];

        public float Label { get; set; }
    }

    // 1M rows, 8 categorical columns of 100–10,000 Zipf-distributed levels, 4 numeric; a linear label plus noise.
    private static (IDataView, IDataView, string, string) Zipf(MLContext ml)
    {
        const int rows = 1_000_000;
        int[] levels = [100, 300, 1000, 2000, 3000, 5000, 8000, 10000];
        var rng = new Random(11);
        var zipfs = levels.Select(l => new ZipfSampler(l, 1.1, rng)).ToArray();
        var effects = levels.Select(l => Enumerable.Range(0, l).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var names = levels.Select((l, c) => Enumerable.Range(0, l).Select(v => $"c{c}v{v}").ToArray()).ToArray();
        var data = new Categories[rows];
        var cats = new string[8];
        for (int i = 0; i < rows; i++)
        {
            var nums = new float[4];
            double y = 3;
            for (int c = 0; c < 8; c++)
            {
                int v = zipfs[c].Next();
                cats[c] = names[c][v];
                y += effects[c][v];
            }
            for (int j = 0; j < 4; j++)
            {
                nums[j] = (float)(rng.NextDouble() * 100);
                y += 0.05 * (j + 1) * nums[j];
            }
            data[i] = new Categories
            {
                C0 = cats[0], C1 = cats[1], C2 = cats[2], C3 = cats[3], C4 = cats[4], C5 = cats[5], C6 = cats[6], C7 = cats[7],
                Numbers = nums, Label = (float)(y + (rng.NextDouble() - 0.5) * 2),
            };
        }
        var view = ml.Data.LoadFromEnumerable(data);
        var split = ml.Data.TrainTestSplit(view, testFraction: 0.2, seed: 1);
        string[] columns = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7"];
        var featurize = ml.Transforms.Categorical.OneHotEncoding(columns.Select(c => new InputOutputColumnPair(c)).ToArray())
            .Append(ml.Transforms.Concatenate("Features", [.. columns, nameof(Categories.Numbers)]));
        var model = featurize.Fit(split.TrainSet);
        var train = model.Transform(split.TrainSet);
        return (train, model.Transform(split.TestSet), "Label", $"1M rows, {Width(train)} slots: 8 Zipf categoricals + 4 numeric");
    }

    private sealed class HashedRow
    {
        [VectorType(1 << 20)]
        public VBuffer<float> Features { get; set; }

        public float Label { get; set; }
    }

    // 1M rows of 2^20 hashed slots with 20 nonzeros each (binary), as OneHotHashEncoding with numberOfBits 20 gives.
    private static (IDataView, IDataView, string, string) Hashed(MLContext ml)
    {
        const int rows = 1_000_000, width = 1 << 20, nonzeros = 20;
        var rng = new Random(13);
        var effect = new float[width];
        for (int j = 0; j < width; j++)
            effect[j] = (float)(rng.NextDouble() * 2 - 1);
        IEnumerable<HashedRow> Generate(int count, int seed)
        {
            var r = new Random(seed);
            var indices = new int[nonzeros];
            var ones = Enumerable.Repeat(1f, nonzeros).ToArray();
            for (int i = 0; i < count; i++)
            {
                double y = 0;
                for (int k = 0; k < nonzeros; k++)
                {
                    int j;
                    do
                        j = r.Next(width);
                    while (Array.IndexOf(indices, j, 0, k) >= 0);
                    indices[k] = j;
                    y += effect[j];
                }
                Array.Sort(indices);
                yield return new HashedRow { Features = new VBuffer<float>(width, nonzeros, (float[])ones.Clone(), (int[])indices.Clone()), Label = (float)(y + r.NextDouble() - 0.5) };
            }
        }
        var train = ml.Data.LoadFromEnumerable(Generate(rows, 1));
        var test = ml.Data.LoadFromEnumerable(Generate(20000, 2));
        return (train, test, "Label", "1M rows, 2^20 hashed slots, 20 nonzeros a row");
    }

    private sealed class ZipfSampler(int count, double exponent, Random rng)
    {
        private readonly ZipfLaw _law = new(count, exponent);

        public int Next() => _law.Draw(rng.NextDouble());
    }
}
