using System.CommandLine;
using System.Globalization;
using MlNetGd.Data;
using MlNetGd.IO;
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

    public Option<string> Label { get; } = new Option<string>("--label") { HelpName = "COL", Description = "The label column to predict.", DefaultValueFactory = _ => HousePrices.LabelColumnName }
        .Check(label => string.IsNullOrWhiteSpace(label) ? "--label is empty: give the name of the label column." : null);

    /// <summary>The label's name, trimmed as the header's names are (so <c>--label ' y '</c> finds <c>y</c>).</summary>
    public string LabelOf(ParseResult parse) => parse.GetValue(Label)!.Trim();

    public Option<string?> Separator { get; } = CheckSeparator(new("--separator")
    { HelpName = "C", Description = "The field separator: a single character, or 'tab', 'comma', 'semicolon', 'space'. [default: tab for .tsv/.tab files, comma otherwise]" });

    public Option<string?> DecimalSeparator { get; } = CheckDecimalSeparator(new("--decimal-separator")
    {
        HelpName = "C",
        Description = "The decimal separator of the file's numbers: '.' or ','. [default: '.', and ',' for a column whose cells mostly look like 1,5 " +
            "when the field separator is not a comma; the plan says which columns were read so]",
    });

    public Option<bool> HasHeader { get; } = new("--has-header")
    { Description = "Whether the first line names the columns (without a header they are column1, column2, …); '--has-header false' turns it off.", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };

    public Option<int> Seed { get; } = new("--seed") { HelpName = "N", Description = "The seed of the split, the shuffles and every trainer.", DefaultValueFactory = _ => 0 };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print no progress on stderr." };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    { Description = "Print every progress step on stderr, one line each (every fold, fit and GradientDescent epoch). Without it a terminal shows one status line that is overwritten, and redirected stderr gets one line per trainer and fold." };

    public Option<float?> LearningRate { get; } = new Option<float?>("--learning-rate") { HelpName = "RATE", Description = "GradientDescent's learning rate. [default: automatic, from the curvature of the data]" }
        .Allow(rate => rate is null || (rate > 0 && float.IsFinite(rate.Value)), "must be a finite number greater than 0");

    public Option<int> BatchSize { get; } = new Option<int>("--batch-size")
    { HelpName = "ROWS", Description = "GradientDescent's rows per minibatch (1 = pure SGD, the row count or more = full batch).", DefaultValueFactory = _ => GradientDescentSettings.DefaultBatchSize }
        .Allow(rows => rows >= 1, "must be at least 1");

    public Option<int> Epochs { get; } = new Option<int>("--epochs") { HelpName = "N", Description = "GradientDescent's maximum number of epochs.", DefaultValueFactory = _ => GradientDescentSettings.DefaultNumberOfEpochs }
        .Allow(epochs => epochs >= 1, "must be at least 1");

    public Option<double> Tolerance { get; } = new Option<double>("--tolerance")
    { HelpName = "T", Description = $"GradientDescent's relative tolerance T: a fit stops when no epoch has brought its cost below (1 - T) x the best so far for {TrainingSession.MinStepsWithoutImprovement} optimizer steps (at least one epoch), first halving a constant rate up to {TrainingSession.MaxAnnealings} times while the returned model still improves by T on the survey sample; before any halving, an averaged fit also stops when an epoch leaves that model unimproved by T (the first epoch against the average of its first half); with rows held out (wide data: fewer than 2 rows a used feature) that model is judged on them instead. 0 runs every epoch.", DefaultValueFactory = _ => GradientDescentSettings.DefaultTolerance }
        .Allow(t => t >= 0 && double.IsFinite(t), "must be a finite number >= 0 (0 runs every epoch)");

    public Option<bool> Shuffle { get; } = new("--shuffle")
    { Description = "Whether GradientDescent shuffles rows and the minibatch order ('--shuffle false' keeps file order).", DefaultValueFactory = _ => true, Arity = ArgumentArity.ZeroOrOne };

    public void AddDataOptions(Command command)
    {
        command.Add(Data);
        command.Add(Label);
        command.Add(Separator);
        command.Add(DecimalSeparator);
        command.Add(HasHeader);
    }

    /// <summary>Adds --numeric, --categorical, --text and --ignore.</summary>
    public void AddColumnKindOptions(Command command)
    {
        command.Add(NumericColumns);
        command.Add(CategoricalColumns);
        command.Add(TextColumns);
        command.Add(IgnoredColumns);
        command.Validators.Add(result =>
        {
            if (Overrides(result.GetValue(NumericColumns), result.GetValue(CategoricalColumns), result.GetValue(TextColumns), result.GetValue(IgnoredColumns))
                .Problem() is { } problem)
                result.AddError(problem);
        });
    }

    /// <summary>The column kinds given on the command line (a column given two kinds was a parse error, exit code 2).</summary>
    public ColumnOverrides Overrides(ParseResult parse) =>
        Overrides(parse.GetValue(NumericColumns), parse.GetValue(CategoricalColumns), parse.GetValue(TextColumns), parse.GetValue(IgnoredColumns));

    private static ColumnOverrides Overrides(string[]? numeric, string[]? categorical, string[]? text, string[]? ignore) => new()
    {
        Numeric = Names(numeric),
        Categorical = Names(categorical),
        Text = Names(text),
        Ignore = Names(ignore),
    };

    private static string[] Names(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',')).Select(v => v.Trim()).Where(v => v.Length > 0).Distinct().ToArray();

    private static Option<string[]> ColumnList(string name, string description) =>
        new(name) { HelpName = "COLS", Description = description + " Comma-separated; the option may be repeated.", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };

    public Option<bool> Standardize { get; } = new("--standardize")
    {
        Description = "Whether GradientDescent standardizes the features inside the trainer (implicitly centered and scaled, with rare one-hot levels capped, " +
            "so sparse rows stay sparse), as its library default does; '--standardize false' trains on the featurized columns as they are.",
        DefaultValueFactory = _ => true,
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
    public string DataPath(ParseResult parse) => DataPath(parse.GetValue(Data));

    /// <summary>The --data path option for the sameness rule (<see cref="PathRules"/>), its default included.</summary>
    public PathRules.PathOption DataInput() => new(Data.Name, result => DataPath(result.GetValue(Data)), PathRules.Role.Input);

    private static string DataPath(string? given)
    {
        if (given is not null)
            return given;
        if (File.Exists(BundledData))
            return BundledData;
        string beside = Path.Combine(AppContext.BaseDirectory, BundledData);
        return File.Exists(beside) ? beside : BundledData;
    }

    public char? SeparatorChar(ParseResult parse) => ParseSeparator(parse.GetValue(Separator));

    public char? DecimalSeparatorChar(ParseResult parse) => ParseDecimalSeparator(parse.GetValue(DecimalSeparator));

    /// <summary>The decimal separator a --decimal-separator value names, or <see langword="null"/> (found per column); the option's
    /// parse-time check has rejected any other value.</summary>
    internal static char? ParseDecimalSeparator(string? text) =>
        text is null ? null
        : TryParseDecimalSeparator(text) ?? throw new ArgumentException($"'{text}' is not a decimal separator.", nameof(text));

    /// <summary>Adds the parse-time check of a --decimal-separator option (also used by predict's own).</summary>
    internal static Option<string?> CheckDecimalSeparator(Option<string?> option) =>
        option.Check(text => TryParseDecimalSeparator(text) is not null ? null
            : $"{option.Name} '{text}' is not a decimal separator; give '.' or ','.");

    private static char? TryParseDecimalSeparator(string? text) => text switch
    {
        "," or "comma" => ',',
        "." or "dot" or "point" => '.',
        _ => null,
    };

    /// <summary>Reads the data file once (the column kinds given on the command line decide how some columns are held) and, with
    /// --verbose, says where the time went.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="input">The --data input (the file, or the temporary copy of a pipe, which messages name as the user gave it).</param>
    /// <param name="status">Where --verbose's timings go, or <see langword="null"/>.</param>
    public DelimitedFile ReadData(ParseResult parse, InputSpool input, Action<string>? status)
    {
        var file = DelimitedFile.Read(input.Path, SeparatorChar(parse), parse.GetValue(HasHeader), DecimalSeparatorChar(parse), Overrides(parse), input.Name);
        string again = file.RereadTime > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $", columns read again {file.RereadTime.TotalSeconds:F2} s") : "";
        status?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"read '{file.Name}': {file.RowCount:N0} rows x {file.ColumnNames.Count} columns; header and a sample of the first rows {file.SampleTime.TotalSeconds:F2} s, one pass over every row {file.ParseTime.TotalSeconds:F2} s{again}"));
        return file;
    }

    /// <summary>Prints the plan's warnings on stderr (whatever --quiet says: they are about the result, not progress).</summary>
    public static void Warn(TextWriter stderr, FeaturizationPlan plan)
    {
        foreach (string warning in plan.Warnings)
            stderr.WriteLine($"warning: {warning}");
    }

    /// <summary>The separator a --separator value names; the option's parse-time check has rejected any other value.</summary>
    internal static char? ParseSeparator(string? text) =>
        TryParseSeparator(text, out char? separator) ? separator : throw new ArgumentException($"'{text}' is not a usable separator.", nameof(text));

    /// <summary>Adds the parse-time check of a --separator option (also used by predict's own).</summary>
    internal static Option<string?> CheckSeparator(Option<string?> option) =>
        option.Check(text => TryParseSeparator(text, out _) ? null
            : $"{option.Name} '{text}' is not a usable separator; give one character such as ',' ';' '|', or 'tab'.");

    private static bool TryParseSeparator(string? text, out char? separator)
    {
        separator = text switch
        {
            null => null,
            "tab" or "\\t" or "\t" => '\t',
            "comma" => ',',
            "semicolon" => ';',
            "space" => ' ',
            { Length: 1 } single when !char.IsLetterOrDigit(single[0]) && single[0] != '.' && single[0] != '-' && single[0] != '"' => single[0],
            _ => (char?)'\0',
        };
        return separator != '\0';
    }

    /// <summary>GradientDescent's options from the command line (out-of-range values were parse errors, exit code 2).</summary>
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
        options.Validate();   // the options' parse-time checks have already rejected every out-of-range value
        return options;
    }

    /// <summary>Where progress goes: see <see cref="ProgressSink"/> (--quiet, --verbose, a terminal's status line, or redirected lines).</summary>
    public ProgressSink Progress(ParseResult parse, TextWriter error, string verb) =>
        ProgressSink.Create(error, verb, parse.GetValue(Quiet), parse.GetValue(Verbose), ProgressSink.Terminal(error), ProgressSink.DefaultRedrawInterval);
}
