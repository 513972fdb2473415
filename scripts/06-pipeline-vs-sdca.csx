// 06 — ML.NET pipeline: our GradientDescent trainer next to ML.NET's SDCA and OnlineGradientDescent on the same data.
// Usage: mlnetgd script scripts/06-pipeline-vs-sdca.csx [-- path/to.csv]
// The CSV has a header; the label column is "price" and every other column is a numeric feature.
// Default: data/houses.csv next to the scripts folder.
#r "nuget: Microsoft.ML, 6.0.0"
#r "nuget: MlNetGd.Extensions, 0.1.0"
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const string Label = "price";

// The folder of this script, under mlnetgd script and dotnet script alike (the compiler fills in the path).
static string ScriptFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

string csv = Args.Count > 0 ? Path.GetFullPath(Args[0]) : Path.GetFullPath(Path.Combine(ScriptFolder(), "..", "data", "houses.csv"));
if (!File.Exists(csv))
{
    Console.Error.WriteLine($"Data file not found: {csv}. Pass a CSV path as the first argument (after --).");
    return 1;
}

// Columns from the header: "price" is the label, the rest are features.
string[] header = File.ReadLines(csv).First().Split(',').Select(c => c.Trim()).ToArray();
if (!header.Contains(Label))
{
    Console.Error.WriteLine($"{csv}: the header has no '{Label}' column (found: {string.Join(", ", header)}).");
    return 1;
}
string[] features = header.Where(c => c != Label).ToArray();

var ml = new MLContext(seed: 0);
IDataView data = ml.Data.LoadFromTextFile(csv, new TextLoader.Options
{
    Separators = [','],
    HasHeader = true,
    Columns = header.Select((name, i) => new TextLoader.Column(name, DataKind.Single, i)).ToArray(),
});
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);
Console.WriteLine($"{Path.GetFileName(csv)}: label '{Label}', {features.Length} features ({string.Join(", ", features)}); 80/20 train/test split");

// Shared featurization: one Features vector, scaled to mean 0 and variance 1 (gradient methods need comparable scales).
var featurize = ml.Transforms.Concatenate("Features", features)
    .Append(ml.Transforms.NormalizeMeanVariance("Features"));
featurize.Fit(split.TrainSet);   // warm-up, so the first trainer's fit time does not include loading and JIT-compiling these

var trainers = new (string Name, IEstimator<ITransformer> Trainer)[]
{
    ("GradientDescent (MlNetGd)", ml.Regression.Trainers.GradientDescent(labelColumnName: Label)),
    ("SDCA", ml.Regression.Trainers.Sdca(labelColumnName: Label)),
    ("OnlineGradientDescent", ml.Regression.Trainers.OnlineGradientDescent(labelColumnName: Label)),
};

Console.WriteLine();
Console.WriteLine($"{"trainer",-26} | {"RMSE",12} | {"MAE",12} | {"R²",8} | fit time");
foreach (var (name, trainer) in trainers)
{
    var stopwatch = Stopwatch.StartNew();
    ITransformer model = featurize.Append(trainer).Fit(split.TrainSet);
    stopwatch.Stop();
    RegressionMetrics metrics = ml.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: Label);
    Console.WriteLine($"{name,-26} | {metrics.RootMeanSquaredError,12:G6} | {metrics.MeanAbsoluteError,12:G6} | {metrics.RSquared,8:F4} | {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
}
Console.WriteLine();
Console.WriteLine("Fit times are single runs (after a warm-up of the featurizer), not benchmarks.");
