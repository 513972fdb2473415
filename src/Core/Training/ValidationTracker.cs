namespace MlNetGd.Trainers.Core;

/// <summary>Keeps the weights of the epoch with the lowest validation cost, and counts the epochs since it.</summary>
internal sealed class ValidationTracker
{
    private readonly float[] _best;
    private double _bestCost = double.PositiveInfinity;

    public ValidationTracker(int parameterCount) => _best = new float[parameterCount];

    /// <summary>Gets the epoch whose weights are kept (0 before any validation).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Gets how many epochs since <see cref="BestEpoch"/> did not improve on it.</summary>
    public int EpochsSinceBest { get; private set; }

    /// <summary>Records an epoch's validation cost of the model <paramref name="parameters"/> (raw), keeping them when best.</summary>
    public void Observe(int epoch, double validationCost, ReadOnlySpan<float> parameters)
    {
        if (validationCost < _bestCost)
        {
            _bestCost = validationCost;
            BestEpoch = epoch;
            EpochsSinceBest = 0;
            parameters.CopyTo(_best);
        }
        else
        {
            EpochsSinceBest++;
        }
    }

    /// <summary>Copies the best epoch's weights into <paramref name="parameters"/>, if an epoch was validated.</summary>
    public void RestoreBest(Span<float> parameters)
    {
        if (BestEpoch > 0)
            _best.CopyTo(parameters);
    }
}
