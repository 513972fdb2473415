using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using MlNetGd.IO;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Where a distributed fit stands after a round, kept as what its coordinator's <see cref="TrainingSession"/> was told: each
/// round's reduced outcome and each diverged batch reported, in order. A fit started again surveys the same shards, starts the same
/// session and tells it the same things (<see cref="Replay"/>), so it decides from there exactly as the uninterrupted fit would,
/// with no copy of the session's rules or state outside the core. Written atomically after every round (<see cref="AtomicFile"/>).</summary>
/// <remarks>The file holds the key of the fit (shards, schema, rows, settings) and 8(d + 1) bytes a round (both iterates, which the
/// session's stopping rule measures): 0.5 MB a round at 2^16 features.</remarks>
internal sealed class Checkpoint
{
    private static readonly byte[] Magic = "MLNETGD-DISTRIBUTED-CHECKPOINT-2\n"u8.ToArray();
    private readonly List<Event> _events;

    private Checkpoint(string key, int parameterCount, List<Event> events)
    {
        Key = key;
        ParameterCount = parameterCount;
        _events = events;
    }

    /// <summary>Gets the key of the fit it belongs to.</summary>
    public string Key { get; }

    /// <summary>Gets d + 1.</summary>
    public int ParameterCount { get; }

    /// <summary>Gets the rounds it holds.</summary>
    public int Rounds => _events.Count(e => e.Parameters is not null);

    /// <summary>An empty checkpoint of the fit with <paramref name="key"/>.</summary>
    public static Checkpoint Start(string key, int parameterCount) => new(key, parameterCount, []);

    /// <summary>The key of a fit: what must be the same for a resumed fit to go on where another stopped — the shards, the schema,
    /// the rows and every setting of <see cref="GradientDescentSettings"/> but the thread count (which changes no bit).</summary>
    public static string KeyOf(IReadOnlyList<string> shards, ShardFormat format, long rows, GradientDescentSettings settings)
    {
        var values = typeof(GradientDescentSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != nameof(GradientDescentSettings.NumberOfThreads) && !typeof(Delegate).IsAssignableFrom(p.PropertyType))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Convert.ToString(p.GetValue(settings), CultureInfo.InvariantCulture)}");
        string text = string.Join("\n", shards) + string.Create(CultureInfo.InvariantCulture, $"\n{format.FeatureCount}/{format.SlotNameHash}/{rows}\n") +
            string.Join("\n", values);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Records a round the session closed (<see cref="TrainingSession.EndEpoch(in EpochOutcome, RowBlock)"/>).</summary>
    public void AddRound(RoundReduction round) => _events.Add(new Event(round.Cost, round.Rows, round.Steps, round.Parameters, round.Average));

    /// <summary>Records a diverged batch the session was told of (<see cref="TrainingSession.ReportDivergedBatch"/>).</summary>
    public void AddDivergedBatch(double cost) => _events.Add(new Event(cost, 0, 0, null, null));

    /// <summary>Tells <paramref name="session"/>, freshly started on the same survey, everything this checkpoint holds, in order.</summary>
    public void Replay(TrainingSession session)
    {
        int features = ParameterCount - 1;
        foreach (var e in _events)
        {
            if (e.Parameters is null)
                session.ReportDivergedBatch(e.Cost);
            else
                session.EndEpoch(new EpochOutcome(e.Parameters, e.Average!, e.Cost, e.Rows, e.Steps), RowBlock.Dense([], [], features));
        }
    }

    /// <summary>Writes the checkpoint atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Key);
        writer.Write(ParameterCount);
        writer.Write(_events.Count);
        foreach (var e in _events)
        {
            writer.Write(e.Parameters is not null);
            writer.Write(e.Cost);
            if (e.Parameters is null)
                continue;
            writer.Write(e.Rows);
            writer.Write(e.Steps);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Parameters.AsSpan()));
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Average.AsSpan()));
        }
    });

    /// <summary>Reads the checkpoint of the fit with <paramref name="key"/>, or <see langword="null"/> when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or belongs to another fit; the message names it.</exception>
    public static Checkpoint? Load(string path, string key, int parameterCount)
    {
        if (!File.Exists(path))
            return null;
        Checkpoint checkpoint;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException("it does not start as one");
            string stored = reader.ReadString();
            int p = reader.ReadInt32(), count = reader.ReadInt32();
            if (stored != key || p != parameterCount)
                throw new InvalidDataException(
                    $"The checkpoint file '{path}' belongs to another fit (other shards, schema, row count or settings). Delete it to start afresh, or give another file.");
            if (count < 0)
                throw new InvalidDataException($"it holds {count} rounds");
            var events = new List<Event>(Math.Min(count, 4096));
            for (int i = 0; i < count; i++)
            {
                bool round = reader.ReadBoolean();
                double cost = reader.ReadDouble();
                events.Add(round ? new Event(cost, reader.ReadInt64(), reader.ReadInt32(), Floats(reader, p), Floats(reader, p)) : new Event(cost, 0, 0, null, null));
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException("it has bytes after its last round");
            checkpoint = new Checkpoint(stored, p, events);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("The checkpoint file", StringComparison.Ordinal))
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"The checkpoint file '{path}' is not a checkpoint of a distributed fit ({e.Message}). Delete it or give another file.", e);
        }
        return checkpoint;
    }

    private static float[] Floats(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count * sizeof(float));
        if (bytes.Length != count * sizeof(float))
            throw new EndOfStreamException("it ends inside a round");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    // One thing the session was told: a round's outcome (with its parameters) or a diverged batch's cost (without).
    private sealed record Event(double Cost, long Rows, int Steps, float[]? Parameters, float[]? Average);
}
