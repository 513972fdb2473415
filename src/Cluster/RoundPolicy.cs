using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>The coordinator's stopping policy, divergence guard and history builder: it decides on each round's REDUCED figures (the
/// row-weighted cost of every worker's epoch, the returned model's MSE on the one curvature sample) with the rules a local fit applies
/// to its epochs, so the decision is the same wherever the rows are.</summary>
/// <remarks>
/// <para>Stands in for issue 18's stopping policy, divergence guard and history until the core has them; the rules are
/// <c>TrainingSession.EndEpoch</c>'s for plain SGD without validation rows: the tolerance on the best epoch cost once
/// <see cref="TrainingSession.MinStepsWithoutImprovement"/> steps passed without improvement; up to
/// <see cref="TrainingSession.MaxAnnealings"/> halvings of the rate while the returned model's sample MSE still improves; the stop when
/// the averaged model stalls before any halving; divergence at <see cref="TrainingSession.DivergenceFactor"/> × the first epoch's cost
/// (or the starting model's largest residual for one batch) and at <see cref="TrainingSession.FinalGrowthFactor"/> at the end. A step
/// count is the round's over every worker: as many as a local epoch over the same rows. Under <see cref="DivergenceAction.Recover"/> a diverged round is run
/// again from the same start at half the rate.</para>
/// </remarks>
internal sealed class RoundPolicy
{
    private readonly GradientDescentSettings _settings;
    private readonly ClusterSurvey _survey;
    private readonly bool _automatic;
    private PolicyState _state;

    public RoundPolicy(GradientDescentSettings settings, ClusterSurvey survey, PolicyState? resumed = null)
    {
        _settings = settings;
        _survey = survey;
        _automatic = settings.LearningRate is null;
        _state = resumed ?? new PolicyState();
    }

    /// <summary>Gets the state, for the checkpoint.</summary>
    public PolicyState State => _state;

    /// <summary>Gets the round to run next, from 1.</summary>
    public int Epoch => _state.Records.Count + 1;

    /// <summary>Gets whether the fit has ended.</summary>
    public bool IsFinished => _state.StopReason is not null;

    /// <summary>Gets the rate of the next round.</summary>
    public float LearningRate =>
        (float)Math.Max(_survey.LearningRate * _state.RateScale * Math.Pow(TrainingSession.AnnealingFactor, _state.Annealings), float.Epsilon);

    /// <summary>Gets the batch cost above which a worker stops its round as diverged.</summary>
    public double DivergenceCost => _survey.Reference > 0 ? TrainingSession.DivergenceFactor * _survey.Reference : double.PositiveInfinity;

    /// <summary>Takes a round in which a worker's batch diverged: throws under <see cref="DivergenceAction.Throw"/>, or halves the rate so
    /// the round is run again from the same start.</summary>
    /// <exception cref="TrainingDivergedException">The fit cannot go on.</exception>
    public void Diverged(double cost)
    {
        if (_settings.OnDivergence == DivergenceAction.Throw || _state.Recoveries >= TrainingSession.MaxRecoveries)
            throw Divergence(cost);
        _state = _state with { Recoveries = _state.Recoveries + 1, RecoveriesThisRound = _state.RecoveriesThisRound + 1, RateScale = _state.RateScale * 0.5 };
    }

    /// <summary>Closes a round on the reduced figures and decides whether the fit stops.</summary>
    /// <param name="cost">The row-weighted mean batch cost of every worker's epoch.</param>
    /// <param name="steps">The optimizer steps of the round, over every worker (a local epoch over the same rows makes as many).</param>
    /// <param name="returned">The model the round returns (raw parameters): averaged or last iterate, reduced over the workers.</param>
    /// <param name="next">The next round's start (standardized parameters).</param>
    /// <returns>Whether the round must be run again (it diverged and the rate was halved).</returns>
    /// <exception cref="TrainingDivergedException">The fit diverged and cannot go on.</exception>
    public bool EndRound(double cost, int steps, ReadOnlySpan<float> returned, ReadOnlySpan<float> next)
    {
        var s = _state;
        int epoch = Epoch;
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(next) || !double.IsFinite(cost)
            || (!double.IsNaN(s.FirstCost) && cost > TrainingSession.DivergenceFactor * s.FirstCost && cost > 0))
        {
            Diverged(cost);
            return true;
        }
        if (double.IsNaN(s.FirstCost))
            s = s with { FirstCost = cost };
        bool annealable = _settings.Schedule == LearningRateSchedule.Constant && steps > 1 && _settings.Tolerance > 0;
        double sampleCost = annealable ? MseLoss.Cost(returned, _survey.Sample.Rows()) : double.NaN;
        bool improved = cost < s.BestCost * (1 - _settings.Tolerance);
        s = s with
        {
            BestCost = Math.Min(s.BestCost, cost),
            SampleCostAtBest = improved ? sampleCost : s.SampleCostAtBest,
            StepsSinceImprovement = improved ? 0 : s.StepsSinceImprovement + steps,
        };
        var records = new List<EpochRecord>(s.Records) { new(epoch, cost, LearningRate, double.NaN, s.RecoveriesThisRound) };
        _settings.EpochCompleted?.Invoke(records[^1]);
        bool stalled = annealable && _settings.Averaged && s.Annealings == 0 && steps >= TrainingSession.MinStepsWithoutImprovement
            && s.RecoveriesThisRound == 0 && sampleCost >= s.LastSampleCost * (1 - _settings.Tolerance);
        StopReason? stop = null;
        int annealings = s.Annealings;
        double annealedCost = s.AnnealedCost;
        long sinceImprovement = s.StepsSinceImprovement;
        if (stalled)
            stop = StopReason.Converged;
        else if (!improved && _settings.Tolerance > 0 && sinceImprovement >= TrainingSession.MinStepsWithoutImprovement)
        {
            double reference = annealings == 0 ? s.SampleCostAtBest : annealedCost;
            if (annealable && annealings < TrainingSession.MaxAnnealings && sampleCost < reference * (1 - _settings.Tolerance))
            {
                annealedCost = sampleCost;
                annealings++;
                sinceImprovement = Math.Max(0, TrainingSession.MinStepsWithoutImprovement - steps);
            }
            else
            {
                stop = StopReason.Converged;
            }
        }
        else if (epoch >= _settings.NumberOfEpochs)
        {
            stop = StopReason.EpochLimit;
        }
        _state = s with
        {
            Records = records, LastSampleCost = sampleCost, Annealings = annealings, AnnealedCost = annealedCost,
            StepsSinceImprovement = sinceImprovement, StopReason = stop, RecoveriesThisRound = 0,
        };
        if (stop is not null && epoch > 1 && cost > TrainingSession.FinalGrowthFactor * s.FirstCost && cost > 0)
            throw Divergence(cost);
        return false;
    }

    /// <summary>Returns the history of the finished fit.</summary>
    public TrainingHistory ToHistory() =>
        new(_state.Records.ToList(), _survey.LearningRate, _automatic, _state.StopReason ?? throw new InvalidOperationException("The fit has not finished."))
        {
            RowSource = RowSource.CacheFile,
        };

    private TrainingDivergedException Divergence(double cost) =>
        new(LearningRate, Epoch, cost, Math.Min(_survey.CurvatureRate, LearningRate / 10), _automatic, valuesTooLarge: _survey.Reference > 1e30);
}
