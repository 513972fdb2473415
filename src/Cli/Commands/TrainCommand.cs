using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using MlNetGd.Data;
using MlNetGd.Trainers;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd train</c>: fit GradientDescent on every row of a file and save the ML.NET model (featurizer included) as a zip.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Option<string>("--model") { Description = "Where to save the model (an ML.NET zip; written atomically).", DefaultValueFactory = _ => "model.zip" };
        var command = new Command("train", "Train GradientDescent on a CSV/TSV file (every other numeric column is a feature, normalized) and save the model for 'mlnetgd predict'.");
        common.AddDataOptions(command);
        common.AddGradientDescentOptions(command);
        command.Add(common.Seed);
        command.Add(model);
        command.Add(common.Quiet);
        command.Add(common.Verbose);
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, stderr) =>
        {
            string label = parse.GetValue(common.Label)!;
            var options = common.GradientDescent(parse, label);
            char? separator = common.SeparatorChar(parse);
            string modelPath = parse.GetValue(model)!;
            CheckOutputFile(modelPath, "--model");
            using var sink = common.Progress(parse, stderr, "train");
            var progress = sink.Status;
            options.EpochCompleted = progress is null ? null : e => progress(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch}: training cost {e.TrainingCost:G6}, learning rate {e.LearningRate:G4}"));

            var file = DelimitedFile.Read(common.DataPath(parse), separator, parse.GetValue(common.HasHeader));
            file.IndexOf(label);
            string[] features = file.ColumnNames.Where(c => c != label).ToArray();
            if (features.Length == 0)
                throw new ArgumentException($"'{file.FilePath}' has no column besides the label '{label}' to use as a feature.");
            var ml = new MLContext(options.Seed);
            var data = file.Load(ml);
            var trainer = new GradientDescentRegressionTrainer(options);
            var pipeline = ml.Transforms.Concatenate(options.FeatureColumnName, features)
                .Append(ml.Transforms.NormalizeMeanVariance(options.FeatureColumnName))
                .Append(trainer);
            var fitted = pipeline.Fit(data);
            double rmse = ml.Regression.Evaluate(fitted.Transform(data), label).RootMeanSquaredError;

            ModelFiles.Save(ml, fitted, file.Load(ml, features).Schema, modelPath);
            sink.Dispose();   // clears the status line before the summary
            stdout.WriteLine($"Trained on {file.RowCount} rows, {features.Length} features ({string.Join(", ", features)}), label '{label}'.");
            stdout.WriteLine($"{trainer.LastHistory}; training RMSE {rmse.ToString("G5", CultureInfo.InvariantCulture)}.");
            stdout.WriteLine($"Model saved to {modelPath}.");
            return CliRunner.Ok;
        }));
        return command;
    }

    /// <summary>Checks that a file can be written at <paramref name="path"/>: its directory exists and the path is not a directory.</summary>
    internal static void CheckOutputFile(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new IOException($"{option} '{path}' is a directory; give a file name.");
        string? directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{option} '{path}': the directory '{directory}' does not exist; create it first.");
    }
}
