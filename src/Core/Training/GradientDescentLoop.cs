using System.Runtime.CompilerServices;
namespace MlNetGd.Trainers.Core;

/// <summary>Minibatch gradient descent on the MSE of a linear model: the one setup and the one loop of every fit, whatever its
/// rows come from.</summary>
/// <remarks>
/// <para>A fit is <see cref="Fit"/>: the survey of the source's rows (<see cref="Survey"/>: sample, standardization, largest row),
/// the session it starts (<see cref="TrainingSession.Start(GradientDescentSettings, Survey, long, LinearModel, IOptimizer?, RowSourceInfo?)"/>:
/// the rate), then <see cref="Run(TrainingSession, IBatchSource, CancellationToken)"/>: every epoch, every batch of the source to the
/// session, until it decides to stop. Sources differ (a copy, rows read in place, a cache file, a shard); the setup and the loop do not.</para>
/// <para><see cref="Run(TrainingRows, LinearModel, IOptimizer?, CancellationToken)"/> fits rows already in memory: with
/// <see cref="GradientDescentSettings.ValidationFraction"/> &gt; 0 the last <c>round(fraction × n)</c> rows are held out (shuffle the
/// rows first; the ML.NET trainer does, with the seed), and the n training rows form K = ⌈n / BatchSize⌉ contiguous batches of equal
/// size (⌊n/K⌋ or ⌈n/K⌉ rows, so there is no small, noisy last batch), visited in an order drawn from <c>(Seed, epoch)</c> when
/// <see cref="GradientDescentSettings.Shuffle"/> is on (<see cref="CachedBatches"/>). The data is never changed; the epoch loop
/// allocates nothing.</para>
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
    public TrainingHistory Run(TrainingRows data, LinearModel model, IOptimizer? optimizer = null, CancellationToken cancellationToken = default)
    {
        return Fit(_settings, CachedBatches.ForFit(data, _settings), model, optimizer, new RowSourceInfo(RowSource.Copy), cancellationToken);
    }

    /// <summary>The one setup of every fit: surveys the source's rows (unless <paramref name="survey"/> is given), starts the session
    /// and runs the loop.</summary>
    /// <param name="settings">The settings (validated by the caller).</param>
    /// <param name="source">The rows.</param>
    /// <param name="model">The model to train from its current parameters; its feature count must match the rows'.</param>
    /// <param name="optimizer">A given optimizer, or <see langword="null"/> for the one the settings name.</param>
    /// <param name="rows">Where the rows come from, for the history.</param>
    /// <param name="cancellationToken">Checked every 4096 rows of the survey and before every batch.</param>
    /// <param name="survey">The source's survey when the caller has taken it already (to test the rows' order first), else <see langword="null"/>.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="ArgumentException">The feature counts differ, or both <paramref name="optimizer"/> and L2Regularization are given.</exception>
    /// <exception cref="TrainingDivergedException">The cost became non-finite or grew by orders of magnitude; the model is restored.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the model is restored.</exception>
    public static TrainingHistory Fit(GradientDescentSettings settings, IBatchSource source, LinearModel model, IOptimizer? optimizer,
        RowSourceInfo rows, CancellationToken cancellationToken = default, Survey? survey = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(model);
        if (source.FeatureCount != model.FeatureCount)
            throw new ArgumentException($"The model has {model.FeatureCount} features but the data has {source.FeatureCount}.", nameof(model));
        if (optimizer is not null && settings.L2Regularization != 0)
            throw new ArgumentException(
                "L2Regularization applies only to the optimizer the settings build; a given optimizer brings its own weight decay. Set one of optimizer or L2Regularization, not both.",
                nameof(optimizer));
        survey ??= Survey.Take(source, settings.StandardizeFeatures, cancellationToken);
        var session = TrainingSession.Start(settings, survey, source.SmallestBatch, model, optimizer, rows);
        return Run(session, source, cancellationToken);
    }

    /// <summary>The training loop: every epoch, every batch of <paramref name="source"/> to <paramref name="session"/>, until the
    /// session decides to stop. The one loop of every fit.</summary>
    /// <param name="session">The started session.</param>
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
}
