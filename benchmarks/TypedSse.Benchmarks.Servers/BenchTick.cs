using System.Text.Json;
using System.Buffers;
using System.Buffers.Text;
using System.Text.Json.Serialization;

namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// The event every server sends: small JSON with the publisher's sequence number and its send time on the
/// machine's monotonic clock in microseconds, which the load generator subtracts from its own clock.
/// </summary>
public sealed record BenchTick(long Seq, long Ts, string Symbol, double Price)
{
    public const string EventName = "tick";

    /// <summary>Ids of the servers other than TypedSse start here, so every server's <c>id:</c> line has 16 digits as TypedSse's do.</summary>
    public const long IdBase = 1_000_000_000_000_000;

    public static BenchTick Create(long seq, long ts) => new(seq, ts, "MSFT", 400 + (seq % 100) * 0.25);

    /// <summary>
    /// The whole frame, as the raw server sends it: the same bytes System.Text.Json writes for the record, formatted
    /// by hand.
    /// </summary>
    public void WriteFrame(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(160);
        int n = Append(span, "event: tick\nid: "u8, 0);
        n += Format(span[n..], IdBase + Seq);
        n = Append(span, "\ndata: {\"seq\":"u8, n);
        n += Format(span[n..], Seq);
        n = Append(span, ",\"ts\":"u8, n);
        n += Format(span[n..], Ts);
        n = Append(span, ",\"symbol\":\"MSFT\",\"price\":"u8, n);
        Utf8Formatter.TryFormat(Price, span[n..], out int written);
        n += written;
        n = Append(span, "}\n\n"u8, n);
        writer.Advance(n);
    }

    private static int Append(Span<byte> span, ReadOnlySpan<byte> text, int at)
    {
        text.CopyTo(span[at..]);
        return at + text.Length;
    }

    private static int Format(Span<byte> span, long value)
    {
        Utf8Formatter.TryFormat(value, span, out int written);
        return written;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchTick))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
