namespace MlNetGd.Trainers.Core;

/// <summary>What a fit does when its cost becomes non-finite or grows by orders of magnitude.</summary>
public enum DivergenceAction
{
    /// <summary>Stop with a <see cref="TrainingDivergedException"/> that names the rate, the epoch and a stable rate; the model
    /// is put back as it was before the fit.</summary>
    Throw,

    /// <summary>Roll back to the weights at the end of the last good epoch (or the start), halve the learning rate, reset the
    /// optimizer's state and go on; each recovery is counted in <see cref="EpochRecord.Recoveries"/>. After
    /// <see cref="TrainingSession.MaxRecoveries"/> recoveries in one fit it throws as <see cref="Throw"/> does.</summary>
    Recover,
}
