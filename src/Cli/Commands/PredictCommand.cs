using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGd.Data;
using MlNetGd.IO;

namespace MlNetGd.Cli.Commands;

/// <summary><c>mlnetgd predict</c>: score a CSV/TSV file with a model saved by <c>mlnetgd train</c>.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model zip saved by 'mlnetgd train'.", DefaultValueFactory = _ => "model.zip" };
        var data = new Option<string>("--data") { Description = "The CSV/TSV file to score; it needs the model's feature columns (the label may be absent).", Required = true };
        var separator = CommonOptions.CheckSeparator(new("--separator") { Description = "The field separator: one character, or 'tab'. [default: tab for .tsv/.tab files, comma otherwise]" });
        var hasHeader = new Option<bool>("--has-header") { Description = "Whether the first line names the columns.", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--out") { Description = "Write the rows with a 'Score' column appended to this file (atomically). [default: standard output]" };
        var command = new Command("predict", "Score a CSV/TSV file with a saved model; prints (or writes with --out) every row with a Score column appended.");
        command.Add(model);
        command.Add(data);
        command.Add(separator);
        command.Add(hasHeader);
        command.Add(output);
        command.Validators.Add(result =>
        {
            if (result.GetValue(output) is { } o && result.GetValue(data) is { } d && SamePath(o, d))
                result.AddError($"--out '{o}' is the --data file; writing the scores there would replace the input. Give another file.");
        });
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, _) =>
        {
            string modelPath = parse.GetValue(model)!;
            string? outPath = parse.GetValue(output);
            char? sep = CommonOptions.ParseSeparator(parse.GetValue(separator));
            string dataPath = parse.GetValue(data)!;
            if (outPath is not null)
                TrainCommand.CheckOutputFile(outPath, "--out");
            var ml = new MLContext();
            var (transformer, schema) = Load(ml, modelPath);
            var required = schema.Where(c => !c.IsHidden).Select(c => c.Name).ToArray();
            var header = DelimitedFile.Read(dataPath, sep, parse.GetValue(hasHeader), required);
            var missing = required.Where(c => !header.ColumnNames.Contains(c)).ToArray();
            if (missing.Length > 0)
                throw new ArgumentException($"'{dataPath}' lacks the model's column(s) {string.Join(", ", missing)}. Its columns are: {string.Join(", ", header.ColumnNames)}.");
            float[] scores = transformer.Transform(header.Load(ml, required)).GetColumn<float>("Score").ToArray();
            string text = WithScores(header, scores);
            if (outPath is null)
                stdout.Write(text);
            else
                AtomicFile.WriteAllText(outPath, text);
            return CliRunner.Ok;
        }));
        return command;
    }

    private static (ITransformer Model, DataViewSchema Schema) Load(MLContext ml, string path)
    {
        var model = ModelFiles.LoadRegression(ml, path, out var schema);
        if (schema is null || schema.Count == 0)
            throw new InvalidDataException($"The model file '{path}' has no input schema: save it with 'mlnetgd train' (or ml.Model.Save with the input schema).");
        return (model, schema);
    }

    /// <summary>Whether two paths name the same file once made absolute and symbolic links followed (letter case ignored where the
    /// file system usually ignores it).</summary>
    private static bool SamePath(string a, string b) =>
        string.Equals(Resolved(a), Resolved(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static string Resolved(string path)
    {
        var file = new FileInfo(Path.GetFullPath(path));
        return file.Exists && file.LinkTarget is not null ? file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName : file.FullName;
    }

    private static string WithScores(DelimitedFile file, float[] scores)
    {
        var text = new StringBuilder();
        int row = 0;
        bool first = true;
        foreach (string line in File.ReadLines(file.FilePath))
        {
            if (line.Trim().Length == 0)
                continue;
            if (first && file.HasHeader)
            {
                text.Append(line).Append(file.Separator).Append("Score\n");
                first = false;
                continue;
            }
            first = false;
            if (row >= scores.Length)
                throw new InvalidOperationException($"'{file.FilePath}' has more rows than the {scores.Length} that were scored.");
            text.Append(line).Append(file.Separator).Append(scores[row++].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (row != scores.Length)
            throw new InvalidOperationException($"{scores.Length} scores for {row} rows of '{file.FilePath}'.");
        return text.ToString();
    }
}
