namespace MlNetGd.Trainers.Core;

/// <summary>How a row's label and features are named in errors: the column names and, when the source has them, the slot names.</summary>
/// <param name="Label">The label column's name.</param>
/// <param name="Features">The feature column's name.</param>
/// <param name="SlotNames">The name of each slot of the feature column, or <see langword="null"/> (slots are then named by index).</param>
public sealed record RowNames(string Label, string Features, IReadOnlyList<string>? SlotNames = null)
{
    /// <summary>The names of rows built from arrays: the label column "Label" and the feature column "Features".</summary>
    public static RowNames Default { get; } = new("Label", "Features");

    /// <summary>Names slot <paramref name="slot"/>: <c>'name' (slot j)</c> when it has a name, else <c>slot j</c>.</summary>
    public string Slot(int slot) =>
        SlotNames is { } names && slot < names.Count && names[slot].Length > 0 ? $"'{names[slot]}' (slot {slot})" : $"slot {slot}";
}
