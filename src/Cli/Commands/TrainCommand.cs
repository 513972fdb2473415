using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MlNetGd.Data;
using MlNetGd.IO;
using MlNetGd.Trainers;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd train</c>: fit GradientDescent on every row of a file and save the ML.NET model (featurizer included) as a zip.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Option<string>("--model") { Description = "Where to save the model (an ML.NET zip; written atomically).", DefaultValueFactory = _ => "model.zip" };
        var explain = new Option<bool>("--explain") { Description = "Print how each column is featurized (its inferred kind and treatment, rows dropped) before training." };
        var command = new Command("train", "Train GradientDescent on a CSV/TSV file (every other column featurized by its inferred kind) and save the model, featurization included, for 'mlnetgd predict'.");
        common.AddDataOptions(command);
        common.AddColumnKindOptions(command);
        command.Add(explain);
        common.AddGradientDescentOptions(command);
        command.Add(common.Seed);
        command.Add(model);
        command.Add(common.Quiet);
        command.Add(common.Verbose);
        command.AddSamenessRule(common.DataInput(), new(model.Name, result => result.GetValue(model), PathRules.Role.OutputFile));
        var cluster = new ClusterOptions();
        cluster.AddTo(command);
        cluster.AddSamenessRule(command, common, model);
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, stderr) =>
        {
            if (parse.GetValue(cluster.Cluster) is not null)
            {
                AtomicFile.Check(parse.GetValue(model)!, "--model");
                return ClusterTrain.Run(parse, common, cluster, parse.GetValue(model)!, parse.GetValue(explain), stdout, stderr);
            }
            string label = common.LabelOf(parse);
            var options = common.GradientDescent(parse, label);
            string modelPath = parse.GetValue(model)!;
            AtomicFile.Check(modelPath, "--model");
            using var sink = common.Progress(parse, stderr, "train");
            var progress = sink.Status;
            options = options with
            {
                EpochCompleted = progress is null ? null : e => progress(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {e.Epoch}: training cost {e.TrainingCost:G6}, learning rate {e.LearningRate:G4}")),
            };

            var overrides = common.Overrides(parse);
            var verbose = sink.Mode == ProgressMode.Verbose ? sink.Status : null;
            using var input = InputSpool.Open(common.DataPath(parse));   // a pipe is read once, into a temporary copy
            var file = common.ReadData(parse, input, verbose);
            var clock = Stopwatch.StartNew();
            var plan = ColumnInference.Infer(file, label, overrides, options.FeatureColumnName);
            verbose?.Invoke(Seconds("inference", clock));
            if (parse.GetValue(explain))
                stdout.WriteLine(plan);
            CommonOptions.Warn(stderr, plan);
            var ml = new MLContext(options.Seed);
            var featurizer = plan.Fit(ml, file, out var featurized);
            verbose?.Invoke(Seconds("featurize (fit the featurization)", clock));
            var trainer = new GradientDescentRegressionTrainer(options);
            var predictor = trainer.Fit(new SingleCursorView(featurized));
            verbose?.Invoke(Seconds("fit", clock));
            double rmse = ml.Regression.Evaluate(new SingleCursorView(predictor.Transform(featurized)), label).RootMeanSquaredError;
            verbose?.Invoke(Seconds("training RMSE", clock));

            ModelFiles.Save(ml, featurizer.Append(predictor), plan.InputSchema(ml, file), modelPath);
            verbose?.Invoke(Seconds("save", clock));
            sink.Dispose();   // clears the status line before the summary
            var used = plan.Columns.Where(c => c.IsUsed).Select(c => c.Name).ToArray();
            stdout.WriteLine($"Trained on {plan.RowCount - plan.DroppedRowCount} rows" + (plan.DroppedRowCount > 0 ? $" ({plan.DroppedRowCount} without a label dropped)" : "") +
                $", {used.Length} columns ({string.Join(", ", used)}), label '{label}'.");
            stdout.WriteLine($"{trainer.LastHistory}; training RMSE {rmse.ToString("G5", CultureInfo.InvariantCulture)}.");
            stdout.WriteLine($"Model saved to {modelPath}.");
            return CliRunner.Ok;
        }));
        return command;
    }

    private static string Seconds(string step, Stopwatch clock)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{step}: {clock.Elapsed.TotalSeconds:F2} s");
        clock.Restart();
        return line;
    }
}
