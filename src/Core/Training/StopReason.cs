namespace MlNetGd.Trainers.Core;

/// <summary>Why a fit ended.</summary>
public enum StopReason
{
    /// <summary>It ran the maximum number of epochs.</summary>
    EpochLimit,

    /// <summary>The relative cost improvement fell under the tolerance.</summary>
    Converged,

    /// <summary>The validation cost did not improve for <c>EarlyStoppingPatience</c> epochs.</summary>
    EarlyStopping,
}
