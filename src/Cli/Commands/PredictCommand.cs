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
        var decimalSeparator = CommonOptions.CheckDecimalSeparator(new("--decimal-separator")
        { Description = "The decimal separator of the file's numbers: '.' or ','. [default: as train finds it: ',' for a column whose cells mostly look like 1,5 when the field separator is not a comma]" });
        var hasHeader = new Option<bool>("--has-header") { Description = "Whether the first line names the columns.", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--out") { Description = "Write the rows with a 'Score' column appended to this file (atomically). [default: standard output]" };
        var command = new Command("predict", "Score a CSV/TSV file with a saved model; prints (or writes with --out) every row with a Score column appended.");
        command.Add(model);
        command.Add(data);
        command.Add(separator);
        command.Add(decimalSeparator);
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
            var file = DelimitedFile.Read(dataPath, sep, parse.GetValue(hasHeader), CommonOptions.ParseDecimalSeparator(parse.GetValue(decimalSeparator)));
            var input = ModelInput(file, schema);
            float[] scores = transformer.Transform(file.Load(ml, input)).GetColumn<float>("Score").ToArray();
            string text = WithScores(file, scores);
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

    /// <summary>The model's input columns in the file, read as the model reads them (numbers or text). A column the model needs and the
    /// file lacks is an error naming it; a cell of a numeric column that is not a number is an error naming its line.</summary>
    private static (string Name, DataKind Kind)[] ModelInput(DelimitedFile file, DataViewSchema schema)
    {
        var input = schema.Where(c => !c.IsHidden).Select(c => (c.Name, Kind: c.Type is TextDataViewType ? DataKind.String : DataKind.Single)).ToArray();
        var missing = input.Where(c => !file.ColumnNames.Contains(c.Name)).Select(c => $"'{c.Name}'").ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"'{file.FilePath}' lacks the model's column(s) {string.Join(", ", missing)}. Its columns are: {string.Join(", ", file.ColumnNames.Select(c => $"'{c}'"))}.");
        foreach (var (name, kind) in input)
        {
            var profile = file.Profile(name, "model's");
            if (kind == DataKind.Single && profile.FirstNonNumeric is { } bad)
                throw file.CellError(name, bad.Row, bad.Text, "is not a number, and the model reads this column as numbers (leave the cell empty if the value is missing).");
        }
        return input;
    }

    private static string WithScores(DelimitedFile file, float[] scores)
    {
        var text = new StringBuilder();
        if (file.HasHeader)
            text.Append(file.HeaderLine()).Append(file.Separator).Append("Score\n");
        int row = 0;
        foreach (string line in file.DataLines())
        {
            if (row >= scores.Length)
                throw new InvalidOperationException($"'{file.FilePath}' has more rows than the {scores.Length} that were scored.");
            text.Append(line).Append(file.Separator).Append(scores[row++].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (row != scores.Length)
            throw new InvalidOperationException($"{scores.Length} scores for {row} rows of '{file.FilePath}'.");
        return text.ToString();
    }
}
