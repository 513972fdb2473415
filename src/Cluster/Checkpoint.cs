using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MlNetGd.IO;
using MlNetGd.Trainers.Core;

namespace MlNetGd.Cluster;

/// <summary>Where a distributed fit stands after a round, kept as what its coordinator's <see cref="TrainingSession"/> was told: each
/// round's reduced outcome and each diverged batch reported, in order. A fit started again surveys the same shards, starts the same
/// session and tells it the same things (<see cref="Replay"/>), so it decides from there exactly as the uninterrupted fit would,
/// with no copy of the session's rules or state outside the core.</summary>
/// <remarks>
/// <para>The file is a log: a header (the key of the fit: shards, schema, rows, settings), then one record for each thing the session
/// was told, each with its length and a checksum. The first save writes the file atomically (<see cref="AtomicFile"/>); each later
/// save appends only what came since and flushes it to disk, so a save costs its own round, 8(d + 1) bytes (both iterates, which the
/// session's stopping rule measures: 0.5 MB at 2^16 features), not the whole fit again.</para>
/// <para>Why a log is as safe as a file written whole: a save killed part-way leaves at most its last record torn (short, or failing
/// its checksum), which <see cref="Load"/> leaves out and the next save cuts off before it appends. What is left is the log of the
/// rounds before, a state the fit passed through: replayed, it resumes there and runs the rest again, to the same bits.</para>
/// </remarks>
internal sealed class Checkpoint
{
    private static readonly byte[] Magic = "MLNETGD-DISTRIBUTED-CHECKPOINT-3\n"u8.ToArray();
    private const int LengthBytes = sizeof(int), ChecksumBytes = sizeof(ulong);
    private readonly List<Event> _loaded; // what the file held, to replay
    private readonly List<Event> _unsaved = [];
    private long _savedLength; // where the file's last whole record ends (0: no file written or read yet)

    private Checkpoint(string key, int parameterCount, List<Event> loaded, long savedLength)
    {
        Key = key;
        ParameterCount = parameterCount;
        _loaded = loaded;
        _savedLength = savedLength;
        Rounds = loaded.Count(e => e.Parameters is not null);
    }

    /// <summary>Gets the key of the fit it belongs to.</summary>
    public string Key { get; }

    /// <summary>Gets d + 1.</summary>
    public int ParameterCount { get; }

    /// <summary>Gets the rounds it holds.</summary>
    public int Rounds { get; private set; }

    /// <summary>Gets the bytes its saves have written so far (each record once: the measure of what a save costs).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>An empty checkpoint of the fit with <paramref name="key"/>.</summary>
    public static Checkpoint Start(string key, int parameterCount) => new(key, parameterCount, [], 0);

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
    public void AddRound(RoundReduction round)
    {
        _unsaved.Add(new Event(round.Cost, round.Rows, round.Steps, round.Parameters, round.Average));
        Rounds++;
    }

    /// <summary>Records a diverged batch the session was told of (<see cref="TrainingSession.ReportDivergedBatch"/>).</summary>
    public void AddDivergedBatch(double cost) => _unsaved.Add(new Event(cost, 0, 0, null, null));

    /// <summary>Tells <paramref name="session"/>, freshly started on the same survey, everything the file held, in order.</summary>
    public void Replay(TrainingSession session)
    {
        int features = ParameterCount - 1;
        foreach (var e in _loaded)
        {
            if (e.Parameters is null)
                session.ReportDivergedBatch(e.Cost);
            else
                session.EndEpoch(new EpochOutcome(e.Parameters, e.Average!, e.Cost, e.Rows, e.Steps), RowBlock.Dense([], [], features));
        }
    }

    /// <summary>Saves what was recorded since the last save: the first time, the whole file atomically; then appended to it.</summary>
    /// <exception cref="IOException">The file cannot be written (or, after the first save, was removed).</exception>
    public void Save(string path)
    {
        if (_savedLength == 0)
        {
            long length = 0;
            AtomicFile.Write(path, stream =>
            {
                stream.Write(Magic);
                WriteRecord(stream, Header(Key, ParameterCount));
                WriteUnsaved(stream);
                length = stream.Position;
            });
            BytesWritten += length;
            _savedLength = length;
        }
        else
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
            stream.SetLength(_savedLength); // cuts off a record a killed save left torn
            stream.Position = _savedLength;
            WriteUnsaved(stream);
            stream.Flush(flushToDisk: true);
            BytesWritten += stream.Position - _savedLength;
            _savedLength = stream.Position;
        }
        _unsaved.Clear(); // their parameters are on disk: a fit holds one round's, not all of them
    }

    /// <summary>Reads the checkpoint of the fit with <paramref name="key"/>, or <see langword="null"/> when the file does not exist. A
    /// torn last record (a save killed part-way) is left out.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or belongs to another fit; the message names it.</exception>
    public static Checkpoint? Load(string path, string key, int parameterCount)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var stream = File.OpenRead(path);
            var magic = new byte[Magic.Length];
            if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException("it does not start as one");
            if (ReadRecord(stream) is not { } header)
                throw new InvalidDataException("its header is cut short");
            if (!header.AsSpan().SequenceEqual(Header(key, parameterCount)))
                throw new InvalidDataException(
                    $"The checkpoint file '{path}' belongs to another fit (other shards, schema, row count or settings). Delete it to start afresh, or give another file.");
            var events = new List<Event>();
            long whole = stream.Position;
            while (ReadRecord(stream) is { } record)
            {
                events.Add(Parse(record, parameterCount));
                whole = stream.Position;
            }
            return new Checkpoint(key, parameterCount, events, whole);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("The checkpoint file", StringComparison.Ordinal))
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            throw new InvalidDataException($"The checkpoint file '{path}' is not a checkpoint of a distributed fit ({e.Message}). Delete it or give another file.", e);
        }
    }

    private void WriteUnsaved(Stream stream)
    {
        foreach (var e in _unsaved)
            WriteRecord(stream, Payload(e, ParameterCount));
    }

    // A record: the payload's length, the payload, and its checksum.
    private static void WriteRecord(Stream stream, byte[] payload)
    {
        Span<byte> word = stackalloc byte[ChecksumBytes];
        BinaryPrimitives.WriteInt32LittleEndian(word, payload.Length);
        stream.Write(word[..LengthBytes]);
        stream.Write(payload);
        BinaryPrimitives.WriteUInt64LittleEndian(word, XxHash3.HashToUInt64(payload));
        stream.Write(word);
    }

    // The next record's payload, or null at the end of the file or at a torn last record (short, or failing its checksum with nothing
    // after it). A record failing its checksum with more after it is damage, not a torn save: an error.
    private static byte[]? ReadRecord(Stream stream)
    {
        long left = stream.Length - stream.Position;
        Span<byte> word = stackalloc byte[ChecksumBytes];
        if (left < LengthBytes + ChecksumBytes)
            return null;
        stream.ReadExactly(word[..LengthBytes]);
        int length = BinaryPrimitives.ReadInt32LittleEndian(word);
        if (length < 0 || length > left - LengthBytes - ChecksumBytes)
            return null;
        var payload = new byte[length];
        stream.ReadExactly(payload);
        stream.ReadExactly(word);
        if (BinaryPrimitives.ReadUInt64LittleEndian(word) == XxHash3.HashToUInt64(payload))
            return payload;
        if (stream.Position < stream.Length)
            throw new InvalidDataException($"a record at byte {stream.Position - length - LengthBytes - ChecksumBytes} is damaged");
        return null;
    }

    private static byte[] Header(string key, int parameterCount)
    {
        var text = Encoding.UTF8.GetBytes(key);
        var header = new byte[text.Length + sizeof(int)];
        text.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(text.Length), parameterCount);
        return header;
    }

    // A diverged batch: 0 and its cost. A round: 1, its cost, rows and steps, and both iterates.
    private static byte[] Payload(Event e, int parameterCount)
    {
        var payload = new byte[e.Parameters is null ? 1 + sizeof(double) : RoundBytes(parameterCount)];
        payload[0] = e.Parameters is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(1), e.Cost);
        if (e.Parameters is null)
            return payload;
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(9), e.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(17), e.Steps);
        MemoryMarshal.AsBytes(e.Parameters.AsSpan()).CopyTo(payload.AsSpan(21));
        MemoryMarshal.AsBytes(e.Average.AsSpan()).CopyTo(payload.AsSpan(21 + parameterCount * sizeof(float)));
        return payload;
    }

    private static Event Parse(byte[] payload, int parameterCount)
    {
        var span = payload.AsSpan();
        if (span is [0, ..] && span.Length == 1 + sizeof(double))
            return new Event(BinaryPrimitives.ReadDoubleLittleEndian(span[1..]), 0, 0, null, null);
        if (span is not [1, ..] || span.Length != RoundBytes(parameterCount))
            throw new InvalidDataException($"it holds a record of {span.Length} bytes that is neither a round nor a diverged batch");
        int floats = parameterCount * sizeof(float);
        return new Event(BinaryPrimitives.ReadDoubleLittleEndian(span[1..]), BinaryPrimitives.ReadInt64LittleEndian(span[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[17..]), MemoryMarshal.Cast<byte, float>(span.Slice(21, floats)).ToArray(),
            MemoryMarshal.Cast<byte, float>(span.Slice(21 + floats, floats)).ToArray());
    }

    private static int RoundBytes(int parameterCount) => 1 + sizeof(double) + sizeof(long) + sizeof(int) + 2 * parameterCount * sizeof(float);

    // One thing the session was told: a round's outcome (with its parameters) or a diverged batch's cost (without).
    private sealed record Event(double Cost, long Rows, int Steps, float[]? Parameters, float[]? Average);
}
