namespace MlNetGd.Comparison;

/// <summary>The short names of the comparison's trainers (as the CLI spells them) and whether each fits a linear model.</summary>
public static class TrainerNames
{
    /// <summary>Gets every trainer, in report order.</summary>
    public static IReadOnlyList<ComparisonTrainer> All { get; } =
    [
        ComparisonTrainer.GradientDescent, ComparisonTrainer.Sdca, ComparisonTrainer.OnlineGradientDescent,
        ComparisonTrainer.LbfgsPoissonRegression, ComparisonTrainer.FastTree,
    ];

    /// <summary>Returns the short name: gd, sdca, ogd, poisson or fasttree.</summary>
    public static string ShortName(ComparisonTrainer trainer) => trainer switch
    {
        ComparisonTrainer.GradientDescent => "gd",
        ComparisonTrainer.Sdca => "sdca",
        ComparisonTrainer.OnlineGradientDescent => "ogd",
        ComparisonTrainer.LbfgsPoissonRegression => "poisson",
        ComparisonTrainer.FastTree => "fasttree",
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, "is not a known trainer."),
    };

    /// <summary>Returns the display name, e.g. "GradientDescent (MlNetGd)".</summary>
    public static string DisplayName(ComparisonTrainer trainer) => trainer switch
    {
        ComparisonTrainer.GradientDescent => "GradientDescent (MlNetGd)",
        ComparisonTrainer.Sdca => "SDCA",
        ComparisonTrainer.OnlineGradientDescent => "OnlineGradientDescent",
        ComparisonTrainer.LbfgsPoissonRegression => "LbfgsPoissonRegression",
        ComparisonTrainer.FastTree => "FastTree",
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, "is not a known trainer."),
    };

    /// <summary>Returns whether the trainer fits <c>y = W·x + b</c> by least squares (so the optimum bounds it from below on the training rows).</summary>
    public static bool IsLinear(ComparisonTrainer trainer) =>
        trainer is ComparisonTrainer.GradientDescent or ComparisonTrainer.Sdca or ComparisonTrainer.OnlineGradientDescent;

    /// <summary>Parses a comma-separated list of short names ("gd,sdca,ogd,poisson,fasttree").</summary>
    /// <exception cref="ArgumentException">A name is unknown or repeated, or the list is empty; the message lists the allowed names.</exception>
    public static IReadOnlyList<ComparisonTrainer> Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        return TryParse(list, out var trainers, out string? problem) ? trainers : throw new ArgumentException(problem, nameof(list));
    }

    /// <summary>Parses a comma-separated list of short names, or says what is wrong with it (naming the allowed names).</summary>
    /// <returns>Whether <paramref name="list"/> names at least one trainer, each known and listed once.</returns>
    public static bool TryParse(string? list, out IReadOnlyList<ComparisonTrainer> trainers, out string? problem)
    {
        var result = new List<ComparisonTrainer>();
        trainers = result;
        problem = null;
        foreach (string raw in (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = All.Where(t => string.Equals(ShortName(t), raw, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (match.Length == 0)
                problem = $"Unknown trainer '{raw}'; allowed: {string.Join(", ", All.Select(ShortName))}.";
            else if (result.Contains(match[0]))
                problem = $"The trainer '{raw}' is listed twice.";
            else
                result.Add(match[0]);
            if (problem is not null)
                return false;
        }
        if (result.Count == 0)
            problem = $"No trainer is listed; allowed: {string.Join(", ", All.Select(ShortName))}.";
        return problem is null;
    }
}
