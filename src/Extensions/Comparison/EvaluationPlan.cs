namespace MlNetGd.Comparison;

/// <summary>How a comparison holds data out: one seeded train/test split, or seeded k-fold cross-validation.</summary>
public sealed class EvaluationPlan
{
    /// <summary>The default test fraction.</summary>
    public const double DefaultTestFraction = 0.2;

    private EvaluationPlan(double testFraction, int numberOfFolds)
    {
        TestFraction = testFraction;
        NumberOfFolds = numberOfFolds;
    }

    /// <summary>Gets the fraction of rows held out for testing (0 under cross-validation).</summary>
    public double TestFraction { get; }

    /// <summary>Gets the number of cross-validation folds (1 for a single train/test split).</summary>
    public int NumberOfFolds { get; }

    /// <summary>Gets whether this is k-fold cross-validation.</summary>
    public bool IsCrossValidation => NumberOfFolds > 1;

    /// <summary>A single seeded split holding out <paramref name="testFraction"/> of the rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    public static EvaluationPlan TestSplit(double testFraction = DefaultTestFraction)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "must be in range (0, 1).");
        return new EvaluationPlan(testFraction, 1);
    }

    /// <summary>Seeded k-fold cross-validation: every row is tested once, by a model trained on the other folds.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numberOfFolds"/> is not in [2, 100].</exception>
    public static EvaluationPlan CrossValidation(int numberOfFolds)
    {
        if (numberOfFolds is < 2 or > 100)
            throw new ArgumentOutOfRangeException(nameof(numberOfFolds), numberOfFolds, "must be in range [2, 100].");
        return new EvaluationPlan(0, numberOfFolds);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        IsCrossValidation ? $"{NumberOfFolds}-fold cross-validation" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"one train/test split, {TestFraction * 100:0.##}% held out");
}
