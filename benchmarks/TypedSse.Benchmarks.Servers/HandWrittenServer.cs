using System.Collections.Concurrent;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// What an application writes without TypedSse: .NET 10's <c>TypedResults.ServerSentEvents</c> over a bounded
/// channel per client, and a publisher that writes each event to every channel. Each client's formatter serializes
/// the event itself. It sends no keep-alive pings.
/// </summary>
internal sealed class HandWrittenServer(int queueCapacity) : IBenchServer
{
    private readonly ConcurrentDictionary<Channel<SseItem<BenchTick>>, byte> _clients = new();
    private long _dropped;

    public int Subscribers => _clients.Count;

    public (long DroppedEvents, long Disconnects) Losses => (Interlocked.Read(ref _dropped), 0);

    public void ConfigureServices(WebApplicationBuilder builder)
    {
    }

    public void Map(WebApplication app) =>
        app.MapGet("/bench", (CancellationToken cancellationToken) =>
        {
            var channel = Channel.CreateBounded<SseItem<BenchTick>>(new BoundedChannelOptions(queueCapacity) { SingleReader = true });
            _clients.TryAdd(channel, 0);
            return TypedResults.ServerSentEvents(ReadAsync(channel, cancellationToken));
        });

    public ValueTask PublishAsync(BenchTick tick)
    {
        var item = new SseItem<BenchTick>(tick, BenchTick.EventName)
        {
            EventId = (BenchTick.IdBase + tick.Seq).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (channel, _) in _clients)
        {
            if (!channel.Writer.TryWrite(item))
            {
                Interlocked.Increment(ref _dropped);
            }
        }
        return default;
    }

    private async IAsyncEnumerable<SseItem<BenchTick>> ReadAsync(Channel<SseItem<BenchTick>> channel,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            _clients.TryRemove(channel, out _);
        }
    }
}
