using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSse.Framing;

/// <summary>Serializes a payload once into an exact-size UTF-8 array, reusing a per-thread buffer and writer.</summary>
internal static class PayloadEncoder
{
    private const int MaxRetainedBufferSize = 256 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static JsonSerializerOptions? t_writerOptions;

    public static byte[] Encode<T>(T value, JsonSerializerOptions options)
    {
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        return Encode((value, typeInfo), static (writer, state, _) => JsonSerializer.Serialize(writer, state.value, state.typeInfo), options);
    }

    public static byte[] Encode<TState>(TState state, JsonPayloadWriter<TState> write, JsonSerializerOptions options)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = RentWriter(buffer, options);
        try
        {
            write(writer, state, options);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Reset();
            if (buffer.Capacity > MaxRetainedBufferSize)
            {
                t_buffer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }
    }

    public static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);

    private static Utf8JsonWriter RentWriter(ArrayBufferWriter<byte> buffer, JsonSerializerOptions options)
    {
        if (t_writer is { } cached && ReferenceEquals(t_writerOptions, options))
        {
            cached.Reset(buffer);
            return cached;
        }

        var writer = new Utf8JsonWriter(buffer, WriterOptions(options));
        t_writer = writer;
        t_writerOptions = options;
        return writer;
    }

    /// <summary>
    /// The writer settings of <paramref name="options"/>, as <see cref="JsonSerializer"/> derives them for its own
    /// writers, so a payload is byte for byte what <c>JsonSerializer.Serialize(value, options)</c> returns.
    /// </summary>
    internal static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        // 0 means the serializer's default depth, which is not the writer's default (1,000).
        MaxDepth = options.MaxDepth == 0 ? DefaultMaxDepth : options.MaxDepth,
    };

    private const int DefaultMaxDepth = 64;
}
