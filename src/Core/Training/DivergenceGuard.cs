namespace MlNetGd.Trainers.Core;

/// <summary>Watches a fit for divergence and acts on it: a batch whose cost is not finite or above
/// <see cref="TrainingSession.DivergenceFactor"/> × the starting scale, an epoch whose parameters are not finite or whose cost grew by
/// that factor over the first epoch's, a fit that ends above <see cref="TrainingSession.FinalGrowthFactor"/> × its first epoch's
/// cost. Under <see cref="DivergenceAction.Throw"/> it throws a <see cref="TrainingDivergedException"/> naming the rate, the epoch,
/// the likely cause and a stable rate; under <see cref="DivergenceAction.Recover"/> it halves the rate and hands back the last good
/// parameters, at most <see cref="TrainingSession.MaxRecoveries"/> times.</summary>
internal sealed class DivergenceGuard
{
    private readonly DivergenceAction _action;
    private readonly bool _automatic;
    private readonly Func<float> _suggestLearningRate;
    private readonly float[] _lastGood;
    private double _reference = double.NaN;
    private double _firstEpochCost = double.NaN;
    private int _recoveries;

    /// <summary>Creates the guard of a fit starting at <paramref name="start"/>.</summary>
    /// <param name="action">What to do on divergence.</param>
    /// <param name="automatic">Whether the rate was chosen automatically (the message then names the cause).</param>
    /// <param name="suggestLearningRate">Called only on divergence, to name a stable rate.</param>
    /// <param name="start">The starting parameters, the first "last good" ones.</param>
    public DivergenceGuard(DivergenceAction action, bool automatic, Func<float> suggestLearningRate, ReadOnlySpan<float> start)
    {
        _action = action;
        _automatic = automatic;
        _suggestLearningRate = suggestLearningRate;
        _lastGood = start.ToArray();
    }

    /// <summary>Gets the factor the rate is multiplied by after the recoveries so far (0.5 each).</summary>
    public double RateScale { get; private set; } = 1;

    /// <summary>Gets the recoveries made in the epoch in progress.</summary>
    public int RecoveriesThisEpoch { get; private set; }

    /// <summary>Gets whether the starting scale is known.</summary>
    public bool HasReference => !double.IsNaN(_reference);

    /// <summary>Gets the largest cost a batch may have before it counts as divergence (infinite until the scale is known).</summary>
    public double BatchCostLimit => _reference > 0 ? TrainingSession.DivergenceFactor * _reference : double.PositiveInfinity;

    /// <summary>Gets the parameters to go back to after a recovery: those the last good epoch ended with.</summary>
    public ReadOnlySpan<float> LastGood => _lastGood;

    /// <summary>Sets the scale a single batch's cost is compared with: the largest squared residual of the starting model over the
    /// sample (a batch of one row can cost that much at the start; 10⁴ times more means the model has run away).</summary>
    public void SetReference(double reference) => _reference = reference;

    /// <summary>A batch's cost showed divergence: throws, or records a recovery (the caller goes back to <see cref="LastGood"/>).</summary>
    /// <exception cref="TrainingDivergedException">Under <see cref="DivergenceAction.Throw"/>, or when recoveries ran out.</exception>
    public void OnDiverged(double cost, float rate, int epoch, bool beforeAnyStep)
    {
        if (_action == DivergenceAction.Throw || _recoveries >= TrainingSession.MaxRecoveries)
            throw Diverged(cost, rate, epoch, beforeAnyStep);
        _recoveries++;
        RecoveriesThisEpoch++;
        RateScale *= 0.5;
    }

    /// <summary>Checks the end of an epoch: parameters that are not finite, or a cost orders of magnitude above the first epoch's,
    /// count as divergence (<see cref="OnDiverged"/>). Returns whether the epoch was rolled back.</summary>
    public bool RolledBack(double epochCost, bool parametersFinite, float rate, int epoch)
    {
        if (!parametersFinite)
        {
            OnDiverged(double.NaN, rate, epoch, beforeAnyStep: false);
            return true;
        }
        if (double.IsNaN(_firstEpochCost))
        {
            _firstEpochCost = epochCost;
            return false;
        }
        if (epochCost > TrainingSession.DivergenceFactor * _firstEpochCost && epochCost > 0)
        {
            OnDiverged(epochCost, rate, epoch, beforeAnyStep: false);
            return true;
        }
        return false;
    }

    /// <summary>Records the parameters an epoch ended with as the last good ones, and starts the next epoch's count of recoveries.</summary>
    public void Commit(ReadOnlySpan<float> parameters)
    {
        parameters.CopyTo(_lastGood);
        RecoveriesThisEpoch = 0;
    }

    /// <summary>Throws when a fit that is ending sits far above where it started: it has diverged slowly, even if it never reached
    /// <see cref="TrainingSession.DivergenceFactor"/>.</summary>
    /// <exception cref="TrainingDivergedException">The last epoch's cost is above <see cref="TrainingSession.FinalGrowthFactor"/> × the first's.</exception>
    public void CheckFinalGrowth(double epochCost, float rate, int epoch)
    {
        if (epoch > 1 && epochCost > TrainingSession.FinalGrowthFactor * _firstEpochCost && epochCost > 0)
            throw Diverged(epochCost, rate, epoch, beforeAnyStep: false);
    }

    private TrainingDivergedException Diverged(double cost, float rate, int epoch, bool beforeAnyStep)
    {
        float suggestion;
        try
        {
            suggestion = Math.Min(_suggestLearningRate(), rate / 10);
        }
        catch (ArgumentException)
        {
            suggestion = rate / 10;
        }
        // The scale is the cause when the cost overflowed on the very first batch, or the starting model's residuals are beyond what
        // single precision can square and sum (|r| above 1e15); anything that first trains and then runs away is the rate.
        bool valuesTooLarge = (!double.IsFinite(cost) && beforeAnyStep) || _reference > 1e30;
        return new TrainingDivergedException(rate, epoch, cost, suggestion, _automatic, valuesTooLarge);
    }
}
