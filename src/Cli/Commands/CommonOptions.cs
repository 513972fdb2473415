using System.CommandLine;
using MlNetGd.Data;
using MlNetGd.Trainers;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cli.Commands;

/// <summary>Options shared by the verbs: the data file, its format, the label, GradientDescent's settings and --quiet.</summary>
internal sealed class CommonOptions
{
    /// <summary>The bundled data set the no-argument run uses.</summary>
    public const string BundledData = "data/houses.csv";

    public Option<string?> Data { get; } = new("--data") { HelpName = "FILE", Description = $"The CSV/TSV file; each column's kind (numeric, boolean, categorical, text, date, ignored) is inferred. [default: {BundledData}, the bundled house-price data]" };

    public Option<string[]> NumericColumns { get; } = ColumnList("--numeric", "Columns to read as numbers (a cell that is not one is an error naming its line).");

    public Option<string[]> CategoricalColumns { get; } = ColumnList("--categorical", "Columns to one-hot encode.");

    public Option<string[]> TextColumns { get; } = ColumnList("--text", "Columns to featurize as free text (bag of words).");

    public Option<string[]> IgnoredColumns { get; } = ColumnList("--ignore", "Columns to leave out.");

    public Option<string> Label { get; } = new("--label") { HelpName = "COL", Description = "The label column to predict.", DefaultValueFactory = _ => HousePrices.LabelColumnName };

    public Option<string?> Separator { get; } = new("--separator")
    { HelpName = "C", Description = "The field separator: a single character, or 'tab', 'comma', 'semicolon', 'space'. [default: tab for .tsv/.tab files, comma otherwise]" };

    public Option<bool> HasHeader { get; } = new("--has-header")
    { Description = "Whether the first line names the columns (without a header they are column1, column2, …); '--has-header false' turns it off.", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };

    public Option<int> Seed { get; } = new("--seed") { HelpName = "N", Description = "The seed of the split, the shuffles and every trainer.", DefaultValueFactory = _ => 0 };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print no progress on stderr." };

    public Option<float?> LearningRate { get; } = new("--learning-rate") { HelpName = "RATE", Description = "GradientDescent's learning rate. [default: automatic, from the curvature of the data]" };

    public Option<int> BatchSize { get; } = new("--batch-size")
    { HelpName = "ROWS", Description = "GradientDescent's rows per minibatch (1 = pure SGD, the row count or more = full batch).", DefaultValueFactory = _ => GradientDescentSettings.DefaultBatchSize };

    public Option<int> Epochs { get; } = new("--epochs") { HelpName = "N", Description = "GradientDescent's maximum number of epochs.", DefaultValueFactory = _ => GradientDescentSettings.DefaultNumberOfEpochs };

    public Option<double> Tolerance { get; } = new("--tolerance")
    { HelpName = "T", Description = "GradientDescent stops after an epoch whose cost fell by no more than tolerance x the previous cost; 0 runs every epoch.", DefaultValueFactory = _ => GradientDescentSettings.DefaultTolerance };

    public Option<bool> Shuffle { get; } = new("--shuffle")
    { Description = "Whether GradientDescent shuffles rows and the minibatch order ('--shuffle false' keeps file order).", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };

    public void AddDataOptions(Command command)
    {
        command.Add(Data);
        command.Add(Label);
        command.Add(Separator);
        command.Add(HasHeader);
    }

    /// <summary>Adds --numeric, --categorical, --text and --ignore.</summary>
    public void AddColumnKindOptions(Command command)
    {
        command.Add(NumericColumns);
        command.Add(CategoricalColumns);
        command.Add(TextColumns);
        command.Add(IgnoredColumns);
    }

    /// <summary>The column kinds given on the command line; a column given two kinds is exit code 2.</summary>
    public ColumnOverrides Overrides(ParseResult parse)
    {
        var overrides = new ColumnOverrides
        {
            Numeric = Names(parse.GetValue(NumericColumns)),
            Categorical = Names(parse.GetValue(CategoricalColumns)),
            Text = Names(parse.GetValue(TextColumns)),
            Ignore = Names(parse.GetValue(IgnoredColumns)),
        };
        try
        {
            overrides.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Split(" (Parameter", 2)[0]);
        }
        return overrides;
    }

    private static string[] Names(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct().ToArray();

    private static Option<string[]> ColumnList(string name, string description) =>
        new(name) { HelpName = "COLS", Description = description + " Comma-separated; the option may be repeated.", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };

    public Option<bool> Standardize { get; } = new("--standardize")
    {
        Description = "Whether GradientDescent standardizes the features again inside the trainer. Off in the tool: its featurization already normalizes them " +
            "(NormalizeMeanVariance) for every trainer, and with both on the automatic rate diverged on one-hot data with rare levels.",
        DefaultValueFactory = _ => false,
        Arity = ArgumentArity.ZeroOrOne,
    };

    public void AddGradientDescentOptions(Command command)
    {
        command.Add(Standardize);
        command.Add(LearningRate);
        command.Add(BatchSize);
        command.Add(Epochs);
        command.Add(Tolerance);
        command.Add(Shuffle);
    }

    /// <summary>The data path: --data, or the bundled file (from the current directory, else next to the tool).</summary>
    public string DataPath(ParseResult parse)
    {
        if (parse.GetValue(Data) is { } given)
            return given;
        if (File.Exists(BundledData))
            return BundledData;
        string beside = Path.Combine(AppContext.BaseDirectory, BundledData);
        return File.Exists(beside) ? beside : BundledData;
    }

    public char? SeparatorChar(ParseResult parse) => ParseSeparator(parse.GetValue(Separator));

    internal static char? ParseSeparator(string? text) => text switch
    {
        null => null,
        "tab" or "\\t" or "\t" => '\t',
        "comma" => ',',
        "semicolon" => ';',
        "space" => ' ',
        { Length: 1 } single when !char.IsLetterOrDigit(single[0]) && single[0] != '.' && single[0] != '-' && single[0] != '"' => single[0],
        _ => throw new UsageException($"--separator '{text}' is not a usable separator; give one character such as ',' ';' '|', or 'tab'."),
    };

    /// <summary>GradientDescent's options from the command line, validated (a bad value is exit code 2).</summary>
    public GradientDescentRegressionTrainer.Options GradientDescent(ParseResult parse, string label)
    {
        var options = new GradientDescentRegressionTrainer.Options
        {
            LabelColumnName = label,
            LearningRate = parse.GetValue(LearningRate),
            BatchSize = parse.GetValue(BatchSize),
            NumberOfEpochs = parse.GetValue(Epochs),
            Tolerance = parse.GetValue(Tolerance),
            Shuffle = parse.GetValue(Shuffle),
            Seed = parse.GetValue(Seed),
            StandardizeFeatures = parse.GetValue(Standardize),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(options.LearningRate) => "--learning-rate",
                nameof(options.BatchSize) => "--batch-size",
                nameof(options.NumberOfEpochs) => "--epochs",
                nameof(options.Tolerance) => "--tolerance",
                _ => e.ParamName ?? "an option",
            };
            throw new UsageException($"{option} {e.ActualValue} {e.Message.Split(" (Parameter", 2)[0]}");
        }
        return options;
    }

    /// <summary>A progress sink: stderr lines, or nothing with --quiet.</summary>
    public Action<string>? Progress(ParseResult parse, TextWriter error, string verb) =>
        parse.GetValue(Quiet) ? null : line => error.WriteLine($"[{verb}] {line}");
}
