using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>Minibatch gradient descent on the MSE of a linear model over cached rows, dense (<see cref="DenseDataset"/>) or CSR
/// (<see cref="CsrDataset"/>).</summary>
/// <remarks>
/// <para>With <see cref="GradientDescentSettings.ValidationFraction"/> &gt; 0 the last <c>round(fraction × n)</c> rows are held
/// out as the validation set (shuffle the rows first; the ML.NET trainer does, with the seed). The learning rate and the internal
/// feature standardization are chosen by <see cref="TrainingSession.Start"/>; the data is never changed.</para>
/// <para>The n training rows form K = ⌈n / BatchSize⌉ contiguous blocks of equal size (⌊n/K⌋ or ⌈n/K⌉ rows, so there is no small,
/// noisy last block); the automatic rate is computed for ⌊n/K⌋ rows. Each epoch visits the blocks in an order drawn from
/// <c>(Seed, epoch)</c> when <see cref="GradientDescentSettings.Shuffle"/> is on (small batches in random super-blocks of about
/// 1 MB, in order inside one, see <see cref="BatchOrder"/>), and hands each to a <see cref="TrainingSession"/>,
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
    /// the model's; a row is so large that its squared norm overflows single precision (the message names the row and feature);
    /// or both <paramref name="optimizer"/> and L2Regularization are given.</exception>
    /// <exception cref="TrainingDivergedException">The cost became non-finite or grew by orders of magnitude; the model is restored.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the model is restored.</exception>
    public TrainingHistory Run(TrainingRows data, LinearModel model, IOptimizer? optimizer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        if (data.RowCount == 0)
            throw new ArgumentException("The training data has no rows.", nameof(data));
        if (data.FeatureCount != model.FeatureCount)
            throw new ArgumentException($"The model has {model.FeatureCount} features but the data has {data.FeatureCount}.", nameof(model));
        if (data is DenseDataset dense)
            CheckMagnitudes(dense);
        if (optimizer is not null && _settings.L2Regularization != 0)
            throw new ArgumentException(
                "L2Regularization applies only to the optimizer the settings build; a given optimizer brings its own weight decay. Set one of optimizer or L2Regularization, not both.",
                nameof(optimizer));

        int held = ValidationRowCount(data.RowCount, _settings.ValidationFraction);
        int n = data.RowCount - held;
        if (n < 1)
            throw new ArgumentException(
                $"ValidationFraction = {_settings.ValidationFraction} holds out all {data.RowCount} rows; at least 2 rows are needed to train and validate.",
                nameof(data));
        var batches = new CachedBatches(data, n, _settings.BatchSize, _settings.Shuffle, _settings.Seed);
        var session = TrainingSession.Start(_settings, data, n, batches.SmallestBatch, model, optimizer);
        return Run(session, batches, cancellationToken);
    }

    /// <summary>The training loop: every epoch, every batch of <paramref name="source"/> to <paramref name="session"/>, until the
    /// session decides to stop. The one loop of every fit, cached or streamed.</summary>
    /// <param name="session">The started session (<see cref="TrainingSession.Start"/>).</param>
    /// <param name="source">The batches.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="TrainingDivergedException">The cost became non-finite or grew by orders of magnitude; the model is restored.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the model is restored.</exception>
    /// <remarks>On any exception (cancellation, divergence, a source that fails) the model is put back as the session found it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TrainingHistory Run(TrainingSession session, IBatchSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            do
            {
                int epoch = session.Epoch;
                source.BeginEpoch(epoch);
                while (source.TryGetBatch(out RowBlock batch))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    session.TrainBatch(batch);
                }
                source.EndEpoch(epoch);
            }
            while (!session.EndEpoch(source.Validation));
        }
        catch
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
}
