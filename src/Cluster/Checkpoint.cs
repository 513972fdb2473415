using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetGd.IO;

namespace MlNetGd.Cluster;

/// <summary>Where a distributed fit stands after a round: the next round's start, the model the round returned and the policy's state,
/// with the key of the fit (shards, schema, settings) it belongs to. Written atomically after every round (<see cref="AtomicFile"/>).</summary>
internal sealed record Checkpoint(string Key, float[] Next, float[] Returned, PolicyState Policy)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The key of a fit: what must be the same for a resumed fit to go on where another stopped.</summary>
    public static string KeyOf(IReadOnlyList<string> shards, ShardFormat format, long rows, DistributedOptions o)
    {
        string text = string.Join("\n", shards) + string.Create(CultureInfo.InvariantCulture,
            $"\n{format.FeatureCount}/{format.SlotNameHash}/{rows}/{o.Seed}/{o.BatchSize}/{o.Shuffle}/{o.StandardizeFeatures}/{o.L2Regularization}/{o.LearningRate}/{o.Tolerance}/{o.NumberOfEpochs}/{o.Averaged}/{o.OnDivergence}");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Writes the checkpoint atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads the checkpoint of the fit with <paramref name="key"/>, or <see langword="null"/> when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or belongs to another fit; the message names it.</exception>
    public static Checkpoint? Load(string path, string key)
    {
        if (!File.Exists(path))
            return null;
        Checkpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The checkpoint file '{path}' is not a checkpoint of a distributed fit ({e.Message}). Delete it or give another file.", e);
        }
        if (checkpoint is null || checkpoint.Next is null || checkpoint.Returned is null || checkpoint.Policy is null)
            throw new InvalidDataException($"The checkpoint file '{path}' is incomplete. Delete it or give another file.");
        if (checkpoint.Key != key)
            throw new InvalidDataException(
                $"The checkpoint file '{path}' belongs to another fit (other shards, schema, row count or settings). Delete it to start afresh, or give another file.");
        return checkpoint;
    }
}
