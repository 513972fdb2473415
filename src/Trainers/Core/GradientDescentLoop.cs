namespace MlNetGd.Trainers.Core;

/// <summary>Minibatch gradient descent on the MSE of a linear model over a cached <see cref="DenseDataset"/>.</summary>
/// <remarks>
/// <para>With <see cref="GradientDescentSettings.ValidationFraction"/> &gt; 0 the last <c>round(fraction × n)</c> rows are held
/// out as the validation set (shuffle the rows first; the ML.NET trainer does, with the seed). With
/// <see cref="GradientDescentSettings.StandardizeFeatures"/> on, the per-feature mean and deviation of the training rows are
/// computed in one pass and the optimizer works in that space (<see cref="FeatureStandardization"/>); the data is never changed.
/// The automatic learning rate is the curvature rate of <see cref="CurvatureEstimator"/> in the optimizer's space,
/// <c>1/(λmax + tr(H)/(B(1 − μ)²))</c> with momentum μ, which amplifies the minibatch noise (or
/// <see cref="Adam.SuggestLearningRate"/>, 0.01 × the deviation of the labels, for Adam/AdamW). A fresh Adam/AdamW fit (all
/// parameters zero) in the standardized space starts its bias at the mean label, its optimum there.</para>
/// <para>The n training rows form K = ⌈n / BatchSize⌉ contiguous blocks of equal size (⌊n/K⌋ or ⌈n/K⌉ rows, so there is no small,
/// noisy last block); the automatic rate is computed for ⌊n/K⌋ rows. Each epoch visits the blocks in an order drawn from
/// <c>(Seed, epoch)</c> when <see cref="GradientDescentSettings.Shuffle"/> is on, and hands each to a <see cref="TrainingSession"/>,
/// which decides about divergence, schedules, early stopping and convergence. Buffers are allocated once per run; the epoch
/// loop allocates nothing.</para>
/// </remarks>
public sealed class GradientDescentLoop
{
    private readonly GradientDescentSettings _settings;

    /// <summary>Creates the loop; the settings are validated now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException">Two settings do not go together.</exception>
    public GradientDescentLoop(GradientDescentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
    }

    /// <summary>Returns how many of <paramref name="rowCount"/> rows <paramref name="validationFraction"/> holds out (0 when off).</summary>
    public static int ValidationRowCount(int rowCount, double validationFraction) =>
        validationFraction > 0 ? Math.Max(1, (int)Math.Round(rowCount * validationFraction)) : 0;

    /// <summary>Trains <paramref name="model"/> in place on <paramref name="data"/>, starting from its current parameters.</summary>
    /// <param name="data">The training set (and, at its end, the validation rows).</param>
    /// <param name="model">The model to train; its feature count must match the data.</param>
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for the one the settings name. Its learning rate is set from the
    /// settings; it brings its own weight decay, so <see cref="GradientDescentSettings.L2Regularization"/> must then be 0.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="ArgumentException">The data has no rows, too few to hold out a validation set, or its feature count differs from
    /// the model's; or both <paramref name="optimizer"/> and L2Regularization are given.</exception>
    /// <exception cref="TrainingDivergedException">The cost became non-finite or grew by orders of magnitude; the model is restored.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the model is restored.</exception>
    public TrainingHistory Run(DenseDataset data, LinearModel model, IOptimizer? optimizer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        if (data.RowCount == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        if (data.FeatureCount != model.FeatureCount)
            throw new ArgumentException($"The model has {model.FeatureCount} features but the data has {data.FeatureCount}.", nameof(model));
        if (optimizer is not null && _settings.L2Regularization != 0)
            throw new ArgumentException(
                "L2Regularization applies only to the optimizer the settings build; a given optimizer brings its own weight decay. Set one of optimizer or L2Regularization, not both.",
                nameof(optimizer));

        int d = data.FeatureCount;
        int held = ValidationRowCount(data.RowCount, _settings.ValidationFraction);
        int n = data.RowCount - held;
        if (n < 1)
            throw new ArgumentException(
                $"ValidationFraction = {_settings.ValidationFraction} holds out all {data.RowCount} rows; at least 2 rows are needed to train and validate.",
                nameof(data));
        // K = ⌈n/B⌉ batches of equal size (⌊n/K⌋ or ⌈n/K⌉ rows): no small, noisy last batch.
        int batchCount = (int)Math.Min(((long)n + _settings.BatchSize - 1) / _settings.BatchSize, n);
        int batchSize = n / batchCount;
        var standardization = _settings.StandardizeFeatures ? FeatureStandardization.Compute(data, n) : null;
        // Momentum μ amplifies the minibatch noise: its noise term is the conservative tr(H)/(B(1 − μ)²) (with 1/(1 − μ) alone,
        // momentum 0.9 was unstable on the Boston housing data with two batches per epoch).
        double noiseScale = _settings.Optimizer is OptimizerKind.Momentum or OptimizerKind.Nesterov ? 1 / ((1 - (double)_settings.Momentum) * (1 - (double)_settings.Momentum)) : 1;
        float curvatureRate()
        {
            var (lambda, trace) = CurvatureEstimator.Estimate(data, n, standardization);
            return CurvatureEstimator.SuggestLearningRate(lambda, trace * noiseScale, batchSize);
        }
        float learningRate = _settings.LearningRate
            ?? (OptimizerFactory.UsesCurvatureRate(_settings.Optimizer) ? curvatureRate() : Adam.SuggestLearningRate(data.Labels.AsSpan(0, n)));
        // Adam moves each parameter by about η per step, so from 0 the bias would need ȳ/η steps; in the standardized space its
        // optimum is the mean label, so a fresh Adam fit starts it there.
        bool biasAtMean = standardization is not null && optimizer is null && !OptimizerFactory.UsesCurvatureRate(_settings.Optimizer)
            && !model.Parameters.AsSpan().ContainsAnyExcept(0f);
        if (biasAtMean)
            model.Bias = (float)MeanOf(data.Labels.AsSpan(0, n));
        var session = new TrainingSession(_settings, model, learningRate, _settings.LearningRate is null, curvatureRate, optimizer, standardization);

        var order = new int[batchCount];
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<float> labels = data.Labels;
        ReadOnlySpan<float> validationFeatures = features.Slice(n * d);
        ReadOnlySpan<float> validationLabels = labels.Slice(n);
        try
        {
            do
            {
                FillBatchOrder(order, session.Epoch);
                for (int k = 0; k < order.Length; k++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int start = (int)((long)order[k] * n / batchCount);
                    int rows = (int)((long)(order[k] + 1) * n / batchCount) - start;
                    session.TrainBatch(features.Slice(start * d, rows * d), labels.Slice(start, rows));
                }
            }
            while (!session.EndEpoch(validationFeatures, validationLabels));
        }
        catch (OperationCanceledException)
        {
            session.Restore();
            if (biasAtMean)
                model.Bias = 0;
            throw;
        }
        catch (TrainingDivergedException) when (biasAtMean)
        {
            model.Bias = 0;
            throw;
        }
        return session.ToHistory();
    }

    private static double MeanOf(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
            sum += v;
        return sum / values.Length;
    }

    private void FillBatchOrder(Span<int> order, int epoch)
    {
        if (_settings.Shuffle)
        {
            new SplitMix64(_settings.Seed, (ulong)epoch).Permutation(order);
            return;
        }
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
    }
}
