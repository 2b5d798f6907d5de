using System.Diagnostics.Metrics;

namespace TypedSse.Diagnostics;

/// <summary>The instruments of the <c>TypedSse</c> meter. Every measurement is tagged with <c>typedsse.stream</c>.</summary>
internal sealed class TypedSseMetrics
{
    public const string MeterName = "TypedSse";
    private const string StreamTag = "typedsse.stream";

    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _openedConnections;
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _slowConsumerDisconnects;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _resets;
    private readonly UpDownCounter<long> _activeMultiplexed;
    private readonly Counter<long> _subscriptions;
    private readonly Counter<long> _malformedLastEventIds;
    private readonly Counter<long> _refusedOverLimit;
    private readonly Counter<long> _closedByServer;

    public TypedSseMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _activeConnections = meter.CreateUpDownCounter<long>("typedsse.connections.active", "{connection}", "Open stream connections.");
        _openedConnections = meter.CreateCounter<long>("typedsse.connections.opened", "{connection}", "Stream connections opened.");
        _published = meter.CreateCounter<long>("typedsse.events.published", "{event}", "Events published to a stream.");
        _delivered = meter.CreateCounter<long>("typedsse.events.delivered", "{event}", "Stream events written to connections, one per recipient.");
        _bytes = meter.CreateCounter<long>("typedsse.bytes.sent", "By", "Bytes written to stream responses.");
        _dropped = meter.CreateCounter<long>("typedsse.events.dropped", "{event}", "Events dropped by a full connection queue.");
        _slowConsumerDisconnects = meter.CreateCounter<long>("typedsse.connections.slow_consumer_disconnects", "{connection}", "Connections closed because their queue was full.");
        _replayed = meter.CreateCounter<long>("typedsse.events.replayed", "{event}", "Events replayed from history to reconnecting clients.");
        _activeMultiplexed = meter.CreateUpDownCounter<long>("typedsse.multiplexed.connections.active", "{connection}", "Open multiplexed connections, each carrying several subscriptions (counted per stream in typedsse.connections.active).");
        _subscriptions = meter.CreateCounter<long>("typedsse.multiplexed.subscriptions", "{subscription}", "Subscriptions asked for on multiplexed connections, by stream and outcome.");
        _resets = meter.CreateCounter<long>("typedsse.history.resets", "{connection}", "Reconnects that could not be replayed and were told to resync.");
        _malformedLastEventIds = meter.CreateCounter<long>("typedsse.last_event_id.malformed", "{request}",
            "Requests whose Last-Event-ID was malformed and ignored; only the first per minute is also logged.");
        _refusedOverLimit = meter.CreateCounter<long>("typedsse.connections.refused", "{request}",
            "Event-stream requests refused over a connection limit (429 per user or address, 503 for the app); only the first per minute is also logged.");
        _closedByServer = meter.CreateCounter<long>("typedsse.connections.closed_by_server", "{connection}",
            "Responses the server ended with typedsse:close, by reason (credentials-expired, or the app's reason such as signed-out).");
    }

    public void ConnectionRefusedOverLimit(int status) => _refusedOverLimit.Add(1, new KeyValuePair<string, object?>("http.response.status_code", status));

    public void ClosedByServer(string reason) => _closedByServer.Add(1, new KeyValuePair<string, object?>("typedsse.close.reason", reason));

    public void ConnectionOpened(string stream)
    {
        _openedConnections.Add(1, Tag(stream));
        _activeConnections.Add(1, Tag(stream));
    }

    public void ConnectionClosed(string stream) => _activeConnections.Add(-1, Tag(stream));

    public void MultiplexedConnectionOpened() => _activeMultiplexed.Add(1);

    public void MultiplexedConnectionClosed() => _activeMultiplexed.Add(-1);

    /// <param name="stream">The stream, or null when the path matched none.</param>
    /// <param name="refusedWith">The status it was refused with, or 0 if admitted.</param>
    public void SubscriptionRequested(string? stream, int refusedWith) =>
        _subscriptions.Add(1, Tag(stream ?? "(none)"), new("typedsse.subscription.status", refusedWith == 0 ? 200 : refusedWith));

    public void EventPublished(string stream) => _published.Add(1, Tag(stream));

    public void Written(string stream, int events, long bytes)
    {
        if (events > 0)
        {
            _delivered.Add(events, Tag(stream));
        }
        if (bytes > 0)
        {
            _bytes.Add(bytes, Tag(stream));
        }
    }

    public void EventDropped(string stream) => _dropped.Add(1, Tag(stream));

    public void SlowConsumerDisconnected(string stream) => _slowConsumerDisconnects.Add(1, Tag(stream));

    public void Replayed(string stream, int events) => _replayed.Add(events, Tag(stream));

    public void Reset(string stream) => _resets.Add(1, Tag(stream));

    public void MalformedLastEventId(string stream) => _malformedLastEventIds.Add(1, Tag(stream));

    private static KeyValuePair<string, object?> Tag(string stream) => new(StreamTag, stream);
}
