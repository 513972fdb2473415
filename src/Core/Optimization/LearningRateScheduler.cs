namespace MlNetGd.Trainers.Core;

/// <summary>Computes the learning-rate factor of each epoch for a <see cref="LearningRateSchedule"/>.</summary>
internal sealed class LearningRateScheduler
{
    private const double PlateauThreshold = 1e-4;
    private readonly GradientDescentSettings _settings;
    private double _plateauFactor = 1;
    private double _bestMonitored = double.PositiveInfinity;
    private int _badEpochs;

    public LearningRateScheduler(GradientDescentSettings settings) => _settings = settings;

    /// <summary>Returns the factor for <paramref name="epoch"/> (from 1), given the cost monitored at the end of the previous epoch.</summary>
    public double Factor(int epoch, double monitoredCost)
    {
        double gamma = _settings.DecayFactor;
        switch (_settings.Schedule)
        {
            case LearningRateSchedule.Step:
                return Math.Pow(gamma, (epoch - 1) / _settings.DecayEpochs);
            case LearningRateSchedule.Exponential:
                return Math.Pow(gamma, epoch - 1);
            case LearningRateSchedule.InverseScaling:
                return 1 / Math.Pow(epoch, _settings.DecayPower);
            case LearningRateSchedule.Cosine:
                return 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / _settings.NumberOfEpochs));
            case LearningRateSchedule.ReduceOnPlateau:
                if (epoch > 1 && !double.IsNaN(monitoredCost))
                {
                    if (monitoredCost < _bestMonitored * (1 - PlateauThreshold))
                    {
                        _bestMonitored = monitoredCost;
                        _badEpochs = 0;
                    }
                    else if (++_badEpochs >= _settings.PlateauPatience)
                    {
                        _plateauFactor *= gamma;
                        _badEpochs = 0;
                    }
                }
                return _plateauFactor;
            default:
                return 1;
        }
    }
}
