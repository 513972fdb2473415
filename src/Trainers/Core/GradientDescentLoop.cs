namespace MlNetGd.Trainers.Core;

/// <summary>Minibatch gradient descent on the MSE of a linear model over a cached <see cref="DenseDataset"/>.</summary>
/// <remarks>
/// <para>The rows are cut into <c>ceil(n / BatchSize)</c> contiguous batches of equal size (differing by at most one row, none
/// larger than <c>BatchSize</c>): a tiny trailing batch would take a full-size step on the noise of a few rows, and with a rate
/// tuned for <c>BatchSize</c> rows it can throw the model far off. Each epoch visits the batches in an order drawn from
/// <c>(Seed, epoch)</c> when <see cref="GradientDescentSettings.Shuffle"/> is on, and hands each to a <see cref="TrainingSession"/>.
/// Rows are never gathered; call <see cref="DenseDataset.ShuffleRows"/> once beforehand to randomize which rows share a block
/// (the ML.NET trainer does).</para>
/// <para>Training stops after <c>NumberOfEpochs</c>, or after an epoch whose cost fell by no more than
/// <c>Tolerance × previous cost</c>. It throws <see cref="TrainingDivergedException"/> as soon as a batch cost is not finite,
/// or an epoch's cost exceeds <see cref="TrainingSession.DivergenceFactor"/> × the first epoch's, and then puts the model's
/// parameters back as they were. Buffers are allocated once per run; the epoch loop allocates nothing.</para>
/// </remarks>
public sealed class GradientDescentLoop
{
    private readonly GradientDescentSettings _settings;

    /// <summary>Creates the loop; the settings are validated now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public GradientDescentLoop(GradientDescentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
    }

    /// <summary>Trains <paramref name="model"/> in place on <paramref name="data"/>, starting from its current parameters.</summary>
    /// <param name="data">The training set.</param>
    /// <param name="model">The model to train; its feature count must match the data.</param>
    /// <param name="optimizer">The optimizer, or <see langword="null"/> for <see cref="Sgd"/>. Its learning rate is set from the settings.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="ArgumentException">The data has no rows, its feature count differs from the model's, or a row is so large that
    /// its squared norm overflows single precision (the message names the row and feature).</exception>
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
        CheckMagnitudes(data);

        int n = data.RowCount;
        int d = data.FeatureCount;
        int batchCount = BatchCount(n, _settings.BatchSize);
        int smallestBatch = n / batchCount;
        float learningRate = _settings.LearningRate ?? CurvatureEstimator.SuggestLearningRate(data, smallestBatch);
        var session = new TrainingSession(_settings, model, learningRate, _settings.LearningRate is null,
            () => CurvatureEstimator.SuggestLearningRate(data, smallestBatch), optimizer);

        var order = new int[batchCount];
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<float> labels = data.Labels;
        try
        {
            do
            {
                FillBatchOrder(order, session.Epoch);
                for (int k = 0; k < order.Length; k++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int start = BatchStart(order[k], n, batchCount);
                    int rows = BatchStart(order[k] + 1, n, batchCount) - start;
                    session.TrainBatch(features.Slice(start * d, rows * d), labels.Slice(start, rows));
                }
            }
            while (!session.EndEpoch());
        }
        catch (OperationCanceledException)
        {
            session.Restore();
            throw;
        }
        return session.ToHistory();
    }

    /// <summary>The number of batches: <c>ceil(n / batchSize)</c>.</summary>
    public static int BatchCount(int rowCount, int batchSize) => (int)(((long)rowCount + batchSize - 1) / batchSize);

    /// <summary>The first row of batch <paramref name="index"/> when <paramref name="rowCount"/> rows are cut into
    /// <paramref name="batchCount"/> contiguous batches whose sizes differ by at most one row.</summary>
    public static int BatchStart(int index, int rowCount, int batchCount) => (int)((long)index * rowCount / batchCount);

    // A row whose squared norm overflows single precision needs a learning rate below 1/|x|², under the smallest normal float:
    // no single-precision descent can train on it, so say so before the weights become infinite.
    private static void CheckMagnitudes(DenseDataset data)
    {
        // Fast path: one vectorized pass; no row can overflow when d · max|x|² fits (the usual case).
        double largest = data.Features.Length == 0 ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<float>(data.Features));
        if (largest * largest * data.FeatureCount < float.MaxValue / 2.0)
            return;
        for (int i = 0; i < data.RowCount; i++)
        {
            ReadOnlySpan<float> x = data.Row(i);
            if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(x)))
                continue;
            int j = System.Numerics.Tensors.TensorPrimitives.IndexOfMaxMagnitude(x);
            throw new ArgumentException(
                $"Row {i}: the features are too large for single precision (feature {j} is {x[j]:G3}; the row's squared norm overflows). " +
                "Scale or normalize the features (e.g. NormalizeMeanVariance).", nameof(data));
        }
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
