using System.Net.ServerSentEvents;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TypedSse.Framing;

namespace TypedSse.Benchmarks.Micro;

/// <summary>
/// Turning one event into wire bytes. TypedSse serializes and frames once per event, whatever the number of
/// recipients; a hand-written <c>TypedResults.ServerSentEvents</c> endpoint does the BCL formatter's work once per
/// recipient.
/// </summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { TypeInfoResolver = BenchJsonContext.Default };
    private readonly BenchTick _tick = new(42, 123_456_789, "MSFT", 412.5);
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private byte[] _payload = [];

    [GlobalSetup]
    public void Setup() => _payload = JsonSerializer.SerializeToUtf8Bytes(_tick, Options);

    /// <summary>TypedSse: frame an already serialized payload (<see cref="StreamEvent"/>), once per event.</summary>
    [Benchmark]
    public StreamEvent Frame() => new("bench", 1_795_269_600_000_001, "tick", _payload, EventAudience.Everyone, _now);

    /// <summary>TypedSse: serialize and frame, once per event.</summary>
    [Benchmark]
    public StreamEvent SerializeAndFrame() =>
        new("bench", 1_795_269_600_000_001, "tick", PayloadEncoder.Encode(_tick, Options), EventAudience.Everyone, _now);

    /// <summary>The BCL's SseFormatter as TypedResults.ServerSentEvents uses it: serialize and frame, once per recipient.</summary>
    [Benchmark]
    public Task SseFormatterSerializeAndFrame() =>
        SseFormatter.WriteAsync(One(new SseItem<BenchTick>(_tick, "tick") { EventId = "1795269600000001" }), Stream.Null,
            static (item, writer) =>
            {
                using var json = new Utf8JsonWriter(writer);
                JsonSerializer.Serialize(json, item.Data, BenchJsonContext.Default.BenchTick);
            });

    private static async IAsyncEnumerable<SseItem<BenchTick>> One(SseItem<BenchTick> item)
    {
        yield return item;
        await Task.CompletedTask;
    }
}
