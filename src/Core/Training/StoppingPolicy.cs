namespace MlNetGd.Trainers.Core;

/// <summary>Decides at the end of each epoch whether a fit goes on, lowers its rate, or stops, and why.</summary>
/// <remarks>
/// <para>In order: early stopping (<see cref="GradientDescentSettings.EarlyStoppingPatience"/> epochs without a better validation
/// cost); the returned model stalled (before any annealing, an averaged fit whose epoch of at least
/// <see cref="TrainingSession.MinStepsWithoutImprovement"/> steps did not improve the model's MSE by the tolerance — over the epoch
/// before, or in the first epoch over the average of its first half: more epochs would not change what is returned, or, measured on
/// held-out rows, would make it worse); the epoch cost plateaued (no relative improvement of the tolerance
/// for at least <see cref="TrainingSession.MinStepsWithoutImprovement"/> steps) — where a minibatch fit at a constant rate then
/// halves its rate, up to <see cref="TrainingSession.MaxAnnealings"/> times, while the returned model still improves, and otherwise
/// converged; the epoch limit.</para>
/// <para>The returned model's MSE (<see cref="EpochFigures.SampleCost"/>) is taken on the held-out rows when the fit has some, else on
/// the survey's sample. The sample is training rows: on wide data (about as many parameters as rows, <see cref="HoldOut"/>) a model
/// fits them better every epoch, long after its error on new rows has stopped falling (DESIGN.md), so only held-out rows can say
/// when to stop.</para>
/// <para>Why annealing: a constant rate leaves minibatch iterates at a noise floor of about <c>η·tr(HΣ)/B</c> above the optimum,
/// which per-epoch averaging removes in part. A halving is made only while the returned model's MSE on the fixed sample still moves
/// by the tolerance (since the epoch cost last improved for the first, since the previous halving for the others), so a fit whose
/// average already sits at the optimum makes none. After a halving the stall rule no longer applies: there the returned model's
/// MSE moves a little both ways while each halving still gains.</para>
/// </remarks>
internal sealed class StoppingPolicy
{
    private readonly GradientDescentSettings _settings;
    private readonly ValidationTracker _validation;
    private double _bestCost = double.PositiveInfinity;
    private long _stepsSinceImprovement;
    private double _sampleCostAtBest = double.NaN, _lastSampleCost = double.NaN, _annealedCost;

    public StoppingPolicy(GradientDescentSettings settings, ValidationTracker validation)
    {
        _settings = settings;
        _validation = validation;
    }

    /// <summary>Gets how many times the rate has been halved at a plateau.</summary>
    public int Annealings { get; private set; }

    /// <summary>Gets the factor the annealings put on the rate.</summary>
    public double RateFactor => Math.Pow(TrainingSession.AnnealingFactor, Annealings);

    /// <summary>Gets whether an epoch's returned model should be measured on the sample (<see cref="EpochFigures.SampleCost"/>): a
    /// minibatch fit at a constant rate, with a tolerance, whose epoch was not rolled back.</summary>
    public bool MeasuresSample(int batches, bool rolledBack) =>
        _settings.Schedule == LearningRateSchedule.Constant && batches > 1 && !rolledBack && _settings.Tolerance > 0;

    /// <summary>Takes an epoch's figures; returns why the fit stops, or <see langword="null"/> to go on.</summary>
    public StopReason? EndEpoch(in EpochFigures epoch)
    {
        double tolerance = _settings.Tolerance;
        _stepsSinceImprovement += epoch.Steps;
        bool improved = !epoch.RolledBack && epoch.Cost < _bestCost * (1 - tolerance);
        if (!epoch.RolledBack && epoch.Cost < _bestCost)
            _bestCost = epoch.Cost;
        if (improved)
        {
            _sampleCostAtBest = epoch.SampleCost; // where the epoch cost last improved by the tolerance: the plateau starts after it
            _stepsSinceImprovement = 0;
        }
        bool measured = !double.IsNaN(epoch.SampleCost);
        double previous = epoch.Epoch == 1 ? epoch.HalfEpochCost : _lastSampleCost; // the first epoch against its own first half
        bool returnedModelStalled = measured && _settings.Averaged && Annealings == 0 && epoch.Steps >= TrainingSession.MinStepsWithoutImprovement
            && epoch.Recoveries == 0 && epoch.SampleCost >= previous * (1 - tolerance);
        _lastSampleCost = epoch.SampleCost;
        if (!double.IsNaN(epoch.ValidationCost) && _validation.EpochsSinceBest >= _settings.EarlyStoppingPatience)
            return StopReason.EarlyStopping;
        if (returnedModelStalled)
            return StopReason.Converged;
        if (!improved && !epoch.RolledBack && tolerance > 0 && _stepsSinceImprovement >= TrainingSession.MinStepsWithoutImprovement)
        {
            double reference = Annealings == 0 ? _sampleCostAtBest : _annealedCost;
            if (!(measured && Annealings < TrainingSession.MaxAnnealings && epoch.SampleCost < reference * (1 - tolerance)))
                return StopReason.Converged;
            if (epoch.Epoch >= _settings.NumberOfEpochs)
                return StopReason.EpochLimit; // a halving needs an epoch more than the user allowed
            // One more epoch without improvement is then enough for the next halving.
            _annealedCost = epoch.SampleCost;
            Annealings++;
            _stepsSinceImprovement = Math.Max(0, TrainingSession.MinStepsWithoutImprovement - epoch.Steps);
            return null;
        }
        return epoch.Epoch >= _settings.NumberOfEpochs ? StopReason.EpochLimit : null;
    }
}
