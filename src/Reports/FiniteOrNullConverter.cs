using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlNetGd.Reports;

/// <summary>Writes a <see cref="double"/> or <see cref="float"/> that is NaN or infinite as JSON <c>null</c> (JSON has no such numbers:
/// "NaN" as a string reaches readers in other languages as text), and reads <c>null</c> back as NaN.</summary>
/// <remarks>Where a figure can be undefined, results.json says why beside it (<c>gapToOptimumNote</c>, <c>metricsNote</c>, a trainer's
/// <c>error</c>, the optimum's <c>note</c>).</remarks>
/// <typeparam name="T">double or float.</typeparam>
internal sealed class FiniteOrNullConverter<T> : JsonConverter<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public override bool HandleNull => true;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? T.NaN
        : typeof(T) == typeof(double) ? (T)(object)reader.GetDouble() : (T)(object)reader.GetSingle();

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (!T.IsFinite(value))
            writer.WriteNullValue();
        else if (value is double d)
            writer.WriteNumberValue(d);
        else
            writer.WriteNumberValue((float)(object)value);
    }
}
