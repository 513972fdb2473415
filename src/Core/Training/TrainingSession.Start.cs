namespace MlNetGd.Trainers.Core;

public sealed partial class TrainingSession
{
    /// <summary>Chooses the learning rate and the feature standardization of a fit, and starts its session.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="data">The training rows, or a sample of them (a streamed fit): the first <paramref name="rowCount"/> rows are used.</param>
    /// <param name="rowCount">How many leading rows of <paramref name="data"/> are training rows.</param>
    /// <param name="smallestBatch">The smallest batch the fit will train on (the automatic rate is set for it).</param>
    /// <param name="model">The model to train; a fresh Adam/AdamW fit in the standardized space starts its bias at the mean label.</param>
    /// <param name="optimizer">A given optimizer, or <see langword="null"/> for the one the settings name.</param>
    /// <param name="standardization">A standardization the caller computed over more rows than <paramref name="data"/> holds (a
    /// streamed fit's survey pass collects one over every sparse row, and <paramref name="data"/> is then the sample the rate is
    /// estimated on), or <see langword="null"/> to compute it from <paramref name="data"/>. Used only with
    /// <see cref="GradientDescentSettings.StandardizeFeatures"/> on.</param>
    /// <param name="largestRowNorm">The largest <c>‖x̃ᵢ‖²</c> over all rows in the optimizer's space, when the caller measured it over
    /// more rows than <paramref name="data"/> holds (in-place CSR fits read every row), or <see langword="null"/> to take it from
    /// <paramref name="data"/> (<see cref="CurvatureEstimator.LargestRowNorm(TrainingRows, int, FeatureStandardization?)"/>).</param>
    /// <remarks>
    /// With <see cref="GradientDescentSettings.StandardizeFeatures"/> on, the per-feature mean and deviation of the rows are computed
    /// in one pass and the optimizer works in that space (<see cref="FeatureStandardization"/>). The automatic learning rate is the
    /// curvature rate of <see cref="CurvatureEstimator"/> in the optimizer's space, <c>1/(λmax + tr(H)/(B(1 − μ)²))</c> with momentum μ,
    /// which amplifies the minibatch noise (with 1/(1 − μ) alone, momentum 0.9 was unstable on the Boston housing data with two batches
    /// per epoch); for Adam/AdamW it is <see cref="Adam.SuggestLearningRate"/>, 0.01 × the deviation of the labels. Adam moves each
    /// parameter by about η per step, so from 0 the bias would need ȳ/η steps: a fresh Adam fit in the standardized space starts its
    /// bias at the mean label, its optimum there.
    /// </remarks>
    public static TrainingSession Start(GradientDescentSettings settings, TrainingRows data, int rowCount, int smallestBatch,
        LinearModel model, IOptimizer? optimizer = null, FeatureStandardization? standardization = null, double? largestRowNorm = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        standardization = settings.StandardizeFeatures ? standardization ?? FeatureStandardization.Compute(data, rowCount) : null;
        double momentum = settings.Momentum;
        double noiseScale = settings.Optimizer is OptimizerKind.Momentum or OptimizerKind.Nesterov ? 1 / ((1 - momentum) * (1 - momentum)) : 1;
        float CurvatureRate()
        {
            var (lambda, trace) = CurvatureEstimator.Estimate(data, rowCount, standardization);
            double largestRow = largestRowNorm ?? CurvatureEstimator.LargestRowNorm(data, rowCount, standardization);
            return CurvatureEstimator.SuggestLearningRate(lambda, trace * noiseScale, largestRow * noiseScale, smallestBatch);
        }

        bool curvatureBased = OptimizerFactory.UsesCurvatureRate(settings.Optimizer);
        ReadOnlySpan<float> labels = data.Labels.AsSpan(0, rowCount);
        float learningRate = settings.LearningRate ?? (curvatureBased ? CurvatureRate() : Adam.SuggestLearningRate(labels));
        bool biasAtMean = standardization is not null && optimizer is null && !curvatureBased && !model.Parameters.AsSpan().ContainsAnyExcept(0f);
        if (biasAtMean)
            model.Bias = (float)Mean(labels);
        var session = new TrainingSession(settings, model, learningRate, settings.LearningRate is null, CurvatureRate, optimizer, standardization);
        if (biasAtMean)
            session._initialParameters[^1] = 0; // a failed or cancelled fit puts the model back as the caller gave it
        session._reference = SquaredResiduals(data, rowCount, model).Largest;
        session._evaluation = data;
        session._evaluationRows = rowCount;
        return session;
    }

    // The largest and the mean squared residual of a model over the evenly spaced curvature sample of the rows, read in place.
    // The largest, for the starting model, is the scale a single batch's cost is compared with to detect divergence: a batch of
    // one row can cost that much at the start; 10⁴ times more means the model has run away. (The first batch's own cost is no
    // reference: with small batches it can be tiny, and a later ordinary batch would look like divergence.) The mean judges annealing.
    private static (double Largest, double Mean) SquaredResiduals(TrainingRows data, int rowCount, LinearModel model)
    {
        int m = Math.Min(rowCount, CurvatureEstimator.MaxSampleRows);
        double largest = 0, sum = 0;
        RowBlock rows = data.Rows(0, rowCount);
        for (int k = 0; k < m; k++)
        {
            int row = EvenSample.Row(k, m, rowCount);
            double r = rows.Dot(row, model.Weights) + model.Bias - (double)rows.Labels[row];
            largest = Math.Max(largest, r * r);
            sum += r * r;
        }
        return (largest, sum / m);
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
            sum += v;
        return values.IsEmpty ? 0 : sum / values.Length;
    }
}
