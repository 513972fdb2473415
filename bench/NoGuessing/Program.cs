// The "no guessing" benchmark: default options on raw features whose scales differ by 10^4, against ML.NET's SDCA and
// OnlineGradientDescent on the same data, and epochs-to-1% of the least-squares optimum per optimizer. One run, one machine.
// Usage: dotnet run -c Release --project bench/NoGuessing -- [rows=200000] [features=16] [bigTrainRows=1000000] [bigFeatures=64] [dataDirectory=/work/shared/data]
// (A uses 80% of rows to train, 20% to test; C trains on bigTrainRows and tests on bigTrainRows/5 more rows.)
using System.Diagnostics;
using Microsoft.ML;
using MlNetGd.Comparison;
using MlNetGd;
using MlNetGd.Data;
using MlNetGd.Trainers.Core;

int rows = args.Length > 0 ? int.Parse(args[0]) : 200_000;
int features = args.Length > 1 ? int.Parse(args[1]) : 16;
int bigRows = args.Length > 2 ? int.Parse(args[2]) : 1_000_000;
int bigFeatures = args.Length > 3 ? int.Parse(args[3]) : 64;
string dataDirectory = args.Length > 4 ? args[4] : "/work/shared/data";

Console.WriteLine($"NoGuessing benchmark: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Console.WriteLine($"args: rows={rows} features={features} bigRows={bigRows} bigFeatures={bigFeatures}");
Console.WriteLine();

// A. ours (defaults) vs SDCA vs OGD on raw features, scales 1e-2 .. 1e2 (10^4 apart), no normalizer.
var (train, test) = Split(rows * 4 / 5, rows / 5, features, Scales(features, 1e-2, 1e2), seed: 1);
double optimum = OptimumTestRmse(train, test);
Console.WriteLine($"A. Raw features, scales 1e-2..1e2, {train.RowCount} train / {test.RowCount} test rows x {features} features, no normalizer");
Console.WriteLine($"   least-squares optimum test RMSE: {optimum:G6}");
var ml = new MLContext(seed: 1);
var trainView = ToView(ml, train);
var testView = ToView(ml, test);
var ours = ml.Regression.Trainers.GradientDescent();
Report("MlNetGd GradientDescent (defaults)", ours);
Console.WriteLine($"     history: {ours.LastHistory}");
var ablation = ml.Regression.Trainers.GradientDescent(new MlNetGd.Trainers.GradientDescentRegressionTrainer.Options { StandardizeFeatures = false, Averaged = false });
Report("MlNetGd, StandardizeFeatures=false, Averaged=false", ablation);
Console.WriteLine($"     history: {ablation.LastHistory}");
Report("ML.NET Sdca (defaults)", ml.Regression.Trainers.Sdca());
Report("ML.NET OnlineGradientDescent (defaults)", ml.Regression.Trainers.OnlineGradientDescent());
Console.WriteLine();

// B. epochs to reach 1% of the optimum, per optimizer, on an ill-conditioned problem without internal standardization.
var (illTrain, illTest) = Split(16_000, 4_000, 8, Scales(8, 0.03, 1), seed: 2);
double illOptimum = OptimumTestRmse(illTrain, illTest);
Console.WriteLine($"B. Ill-conditioned (scales 0.03..1, 16000 train rows x 8, StandardizeFeatures = false, Tolerance = 0), optimum test RMSE {illOptimum:G6}");
foreach (bool averaged in new[] { false, true })
    foreach (var kind in Enum.GetValues<OptimizerKind>())
        foreach (float? rate in kind is OptimizerKind.Adam or OptimizerKind.AdamW ? new float?[] { null, 0.05f } : new float?[] { null })
        {
            var (epochs, rmse, used) = EpochsToOnePercent(illTrain, illTest, illOptimum, kind, rate, averaged);
            Console.WriteLine($"   Averaged={averaged,-5} {kind,-9} learning rate {used,-8:G4}{(rate is null ? "(auto)" : "(given)")} epochs to 1%: " +
                              $"{(epochs > 0 ? epochs.ToString() : "not in 200"),-10} (test RMSE then {rmse:G6})");
        }
Console.WriteLine();

// E. real data (if the shared reference data is there): in-sample MSE against the least-squares optimum, raw features.
foreach (var (file, separator, labelLast) in new[] { ("housing.tsv", '\t', false), ("generated_regression.csv", ';', true) })
{
    string path = Path.Combine(dataDirectory, file);
    if (!File.Exists(path))
    {
        Console.WriteLine($"E. {path} not found; skipped.");
        continue;
    }
    var parsed = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0)
        .Select(l => l.Split(separator).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
    int d = parsed[0].Length - 1;
    var real = DenseDataset.FromRows(parsed.Select(r => labelLast ? r[..d] : r[1..]).ToArray(), parsed.Select(r => labelLast ? r[d] : r[0]).ToArray());
    var (rw, rb, _) = LeastSquaresSolver.Solve(real);
    double realOptimum = LeastSquaresSolver.MeanSquaredError(real, rw!, rb);
    Console.WriteLine($"E. {file}: {real.RowCount} rows x {d} raw features, in-sample MSE, least-squares optimum {realOptimum:G6}");
    foreach (var kind in Enum.GetValues<OptimizerKind>())
    {
        var realModel = new LinearModel(d);
        var realHistory = new GradientDescentLoop(new GradientDescentSettings { Optimizer = kind }).Run(real, realModel);
        double mse = MseLoss.Cost(realModel, real);
        Console.WriteLine($"   MlNetGd {kind,-9} (other options default) MSE {mse,-10:G6} ratio {mse / realOptimum:F4}; {realHistory}");
    }
    var realView = ToView(ml, real);
    foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[] { ("Sdca", ml.Regression.Trainers.Sdca()), ("OnlineGradientDescent", ml.Regression.Trainers.OnlineGradientDescent()) })
    {
        try
        {
            double mse = ml.Regression.Evaluate(trainer.Fit(realView).Transform(realView)).MeanSquaredError;
            Console.WriteLine($"   ML.NET {name,-22} (defaults) MSE {mse,-10:G6} ratio {mse / realOptimum:F4}");
        }
        catch (Exception e)
        {
            Console.WriteLine($"   ML.NET {name,-22} (defaults) failed: {e.GetType().Name}: {e.Message}");
        }
    }
}
Console.WriteLine();

// D. small data: default options, raw scales 1e-2..1e2, 8 features.
Console.WriteLine("D. Small data, default options (core loop), raw scales 1e-2..1e2 x 8 features, test set 10000 rows");
foreach (int n in new[] { 100, 300, 1_000, 3_000, 10_000 })
{
    var (smallTrain, smallTest) = Split(n, 10_000, 8, Scales(8, 1e-2, 1e2), seed: 4);
    double smallOptimum = OptimumTestRmse(smallTrain, smallTest);
    var smallModel = new LinearModel(8);
    var smallHistory = new GradientDescentLoop(new GradientDescentSettings()).Run(smallTrain, smallModel);
    double smallRmse = Math.Sqrt(MseLoss.Cost(smallModel, smallTest));
    Console.WriteLine($"   n={n,-6} epochs {smallHistory.EpochCount,-4} test RMSE {smallRmse:G6} vs optimum {smallOptimum:G6} (ratio {smallRmse / smallOptimum:F4}), stopped: {smallHistory.StopReason}");
}
Console.WriteLine();

// C. the whole default fit on a big matrix (core loop on the cached matrix), scales 10^4 apart.
var (bigTrain, bigTest) = Split(bigRows, bigRows / 5, bigFeatures, Scales(bigFeatures, 1e-2, 1e2), seed: 3);
double bigOptimum = OptimumTestRmse(bigTrain, bigTest);
var bigModel = new LinearModel(bigFeatures);
var watch = Stopwatch.StartNew();
var perEpoch = new List<double>();
var bigHistory = new GradientDescentLoop(new GradientDescentSettings()).Run(bigTrain, bigModel);
watch.Stop();
var watched = new LinearModel(bigFeatures);
var watchedSettings = new GradientDescentSettings();
watchedSettings = watchedSettings with { EpochCompleted = _ => perEpoch.Add(Math.Sqrt(MseLoss.Cost(watched, bigTest))) };
new GradientDescentLoop(watchedSettings).Run(bigTrain, watched); // same fit again, test RMSE after every epoch (untimed)
double bigRmse = Math.Sqrt(MseLoss.Cost(bigModel, bigTest));
Console.WriteLine($"C. Default fit, {bigTrain.RowCount} x {bigFeatures}, raw scales 1e-2..1e2: {bigHistory.EpochCount} epochs, {watch.Elapsed.TotalSeconds:F2} s, " +
                  $"test RMSE {bigRmse:G6} vs optimum {bigOptimum:G6} (ratio {bigRmse / bigOptimum:F4})");
Console.WriteLine($"   history: {bigHistory}");
Console.WriteLine($"   test RMSE / optimum after each epoch: {string.Join(", ", perEpoch.Select(r => (r / bigOptimum).ToString("F4")))}");
watch.Restart();
var bigStandardization = FeatureStandardization.Compute(bigTrain, bigTrain.RowCount);
double standardizeSeconds = watch.Elapsed.TotalSeconds;
watch.Restart();
float bigRate = CurvatureEstimator.SuggestLearningRate(bigTrain, bigTrain.RowCount, bigStandardization, GradientDescentSettings.DefaultBatchSize);
Console.WriteLine($"   of which: mean/deviation pass {standardizeSeconds:F2} s, curvature estimate {watch.Elapsed.TotalSeconds:F2} s (rate {bigRate:G4})");
var bigView = ToView(ml, bigTrain);
var bigTrainer = ml.Regression.Trainers.GradientDescent();
watch.Restart();
var bigFitted = bigTrainer.Fit(bigView);
watch.Stop();
double bigViewRmse = ml.Regression.Evaluate(bigFitted.Transform(ToView(ml, bigTest))).RootMeanSquaredError;
Console.WriteLine($"C2. Same through the ML.NET trainer (IDataView read included): {watch.Elapsed.TotalSeconds:F2} s, test RMSE {bigViewRmse:G6} " +
                  $"(ratio {bigViewRmse / bigOptimum:F4}); {bigTrainer.LastHistory}");

void Report(string name, IEstimator<ITransformer> trainer)
{
    var sw = Stopwatch.StartNew();
    string result;
    try
    {
        var model = trainer.Fit(trainView);
        sw.Stop();
        double rmse = ml.Regression.Evaluate(model.Transform(testView)).RootMeanSquaredError;
        result = $"test RMSE {rmse,-12:G6} ratio to optimum {rmse / optimum:F4}";
    }
    catch (Exception e)
    {
        sw.Stop();
        result = $"failed: {e.GetType().Name}: {e.Message}";
    }
    Console.WriteLine($"   {name,-42} {sw.Elapsed.TotalSeconds,6:F2} s  {result}");
}

static (int Epochs, double Rmse, float Rate) EpochsToOnePercent(DenseDataset train, DenseDataset test, double optimum, OptimizerKind kind, float? rate, bool averaged)
{
    var model = new LinearModel(train.FeatureCount);
    int reached = 0;
    double rmseThen = double.NaN;
    var settings = new GradientDescentSettings
    {
        Optimizer = kind, StandardizeFeatures = false, Averaged = averaged, Tolerance = 0, NumberOfEpochs = 200, LearningRate = rate,
    };
    settings = settings with { EpochCompleted = record =>
    {
        double rmse = Math.Sqrt(MseLoss.Cost(model, test));
        if (reached == 0 && rmse <= 1.01 * optimum)
        {
            reached = record.Epoch;
            rmseThen = rmse;
        }
    } };
    var history = new GradientDescentLoop(settings).Run(train, model);
    return (reached, rmseThen, history.LearningRate);
}

static float[] Scales(int count, double low, double high)
{
    var scales = new float[count];
    for (int j = 0; j < count; j++)
        scales[j] = (float)(low * Math.Pow(high / low, count == 1 ? 0 : (double)j / (count - 1)));
    return scales;
}

static (DenseDataset Train, DenseDataset Test) Split(int trainRows, int testRows, int features, float[] scales, int seed)
{
    var data = SyntheticRegression.Generate(trainRows + testRows, features, seed, noise: 0.5f, featureScales: scales);
    var train = new DenseDataset(data.Features[..(trainRows * features)], data.Labels[..trainRows], features);
    var test = new DenseDataset(data.Features[(trainRows * features)..], data.Labels[trainRows..], features);
    return (train, test);
}

static double OptimumTestRmse(DenseDataset train, DenseDataset test)
{
    var (weights, bias, reason) = LeastSquaresSolver.Solve(train);
    if (weights is null)
        throw new InvalidOperationException(reason);
    return Math.Sqrt(LeastSquaresSolver.MeanSquaredError(test, weights, bias));
}

static IDataView ToView(MLContext ml, DenseDataset data)
{
    var rows = new Row[data.RowCount];
    for (int i = 0; i < rows.Length; i++)
        rows[i] = new Row { Label = data.Labels[i], Features = data.Row(i).ToArray() };
    var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(Row));
    definition[nameof(Row.Features)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, data.FeatureCount);
    return ml.Data.LoadFromEnumerable(rows, definition);
}

internal sealed class Row
{
    public float Label { get; set; }

    public float[] Features { get; set; } = [];
}
