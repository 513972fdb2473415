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
        command.AddSamenessRule(new(model.Name, result => result.GetValue(model), PathRules.Role.Input),
            new(data.Name, result => result.GetValue(data), PathRules.Role.Input),
            new(output.Name, result => result.GetValue(output), PathRules.Role.OutputFile));
        command.SetAction(parse => CliRunner.Guard(parse, (stdout, stderr) =>
        {
            string modelPath = parse.GetValue(model)!;
            string? outPath = parse.GetValue(output);
            char? sep = CommonOptions.ParseSeparator(parse.GetValue(separator));
            string dataPath = parse.GetValue(data)!;
            if (outPath is not null)
                AtomicFile.Check(outPath, "--out");
            var ml = new MLContext();
            ITransformer transformer;
            DataViewSchema schema;
            using (var modelInput = InputSpool.Open(modelPath))   // pipes are read once, into temporary copies
                (transformer, schema) = Load(ml, modelInput.Path, modelPath);
            using var dataInput = InputSpool.Open(dataPath);
            var file = DelimitedFile.Read(dataInput.Path, sep, parse.GetValue(hasHeader), CommonOptions.ParseDecimalSeparator(parse.GetValue(decimalSeparator)), name: dataInput.Name);
            var input = ModelInput(file, schema);
            float[] scores = new SingleCursorView(transformer.Transform(file.Load(ml, input))).GetColumn<float>("Score").ToArray();
            string scoreColumn = ScoreColumn(file);
            if (scoreColumn != ScoreName)
                stderr.WriteLine($"note: '{dataPath}' already has a column '{ScoreName}'; the scores are written as '{scoreColumn}'.");
            string text = WithScores(file, scores, scoreColumn);
            if (outPath is null)
                stdout.Write(text);
            else
                AtomicFile.WriteAllText(outPath, text);
            return CliRunner.Ok;
        }));
        return command;
    }

    /// <summary>The column the scores are appended as.</summary>
    private const string ScoreName = "Score";

    private static (ITransformer Model, DataViewSchema Schema) Load(MLContext ml, string path, string givenPath)
    {
        var model = ModelFiles.LoadRegression(ml, path, out var schema);
        if (schema is null || schema.Count == 0)
            throw new InvalidDataException($"The model file '{givenPath}' has no input schema: save it with 'mlnetgd train' (or ml.Model.Save with the input schema).");
        return (model, schema);
    }

    /// <summary>"Score", or, when the file already has a column of that name (it was scored before), the first of "Score_2",
    /// "Score_3", … it does not have, so the output has no duplicate column name.</summary>
    private static string ScoreColumn(DelimitedFile file)
    {
        if (!file.HasHeader)
            return ScoreName;
        string name = ScoreName;
        for (int i = 2; file.HasColumn(name); i++)
            name = string.Create(CultureInfo.InvariantCulture, $"{ScoreName}_{i}");
        return name;
    }

    /// <summary>The model's input columns in the file, read as the model reads them (numbers or text). A column the model needs and the
    /// file lacks is an error naming it; a cell of a numeric column that is not a number is an error naming its line.</summary>
    private static (string Name, DataKind Kind)[] ModelInput(DelimitedFile file, DataViewSchema schema)
    {
        var input = schema.Where(c => !c.IsHidden).Select(c => (c.Name, Kind: c.Type is TextDataViewType ? DataKind.String : DataKind.Single)).ToArray();
        var missing = input.Where(c => !file.HasColumn(c.Name)).Select(c => $"'{c.Name}'").ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"'{file.Name}' lacks the model's column(s) {string.Join(", ", missing)}. Its columns are: {string.Join(", ", file.ColumnNames.Select(c => $"'{c}'"))}.{file.SeparatorHint()}");
        foreach (var (name, kind) in input)
        {
            var profile = file.Profile(name, "model's");
            if (kind == DataKind.Single && profile.FirstNonNumeric is { } bad)
                throw file.CellError(name, bad.Row, bad.Text, "is not a number, and the model reads this column as numbers (leave the cell empty if the value is missing).");
            if (kind == DataKind.Single && profile.FirstInfinite is { } infinite)
                throw file.CellError(name, infinite.Row, infinite.Text, "is infinite (or beyond single precision), so its score would be too; leave the cell empty if the value is missing.");
        }
        return input;
    }

    private static string WithScores(DelimitedFile file, float[] scores, string scoreColumn)
    {
        var text = new StringBuilder();
        if (file.HasHeader)
            text.Append(file.HeaderLine()).Append(file.Separator).Append(scoreColumn).Append('\n');
        int row = 0;
        foreach (string line in file.DataLines())
        {
            if (row >= scores.Length)
                throw new InvalidOperationException($"'{file.Name}' has more rows than the {scores.Length} that were scored.");
            text.Append(line).Append(file.Separator).Append(scores[row++].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        if (row != scores.Length)
            throw new InvalidOperationException($"{scores.Length} scores for {row} rows of '{file.Name}'.");
        return text.ToString();
    }
}
