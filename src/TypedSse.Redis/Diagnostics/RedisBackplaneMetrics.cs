using System.Diagnostics.Metrics;

namespace TypedSse.Redis.Diagnostics;

/// <summary>The instruments of the <c>TypedSse.Redis</c> meter.</summary>
internal sealed class RedisBackplaneMetrics
{
    public const string MeterName = "TypedSse.Redis";
    private const string StreamTag = "typedsse.stream";

    private readonly Counter<long> _notifications;
    private readonly Counter<long> _eventsRead;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _readErrors;
    private readonly UpDownCounter<long> _streamsRead;

    public RedisBackplaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _notifications = meter.CreateCounter<long>("typedsse.redis.notifications.received", "{notification}",
            "Notifications of new events received on the channels of the streams this instance reads.");
        _eventsRead = meter.CreateCounter<long>("typedsse.redis.events.read", "{event}",
            "Events read from Redis and handed to this instance's connections.");
        _lag = meter.CreateHistogram<double>("typedsse.redis.delivery.lag", "s",
            "Time from an event's publish (the publishing instance's clock) to its delivery to this instance's connections (this instance's clock).");
        _reconnects = meter.CreateCounter<long>("typedsse.redis.reconnects", "{connection}",
            "Times a connection to Redis was re-established after it was lost.");
        _readErrors = meter.CreateCounter<long>("typedsse.redis.read.errors", "{error}",
            "Reads of new events that failed and are retried.");
        _streamsRead = meter.CreateUpDownCounter<long>("typedsse.redis.streams.read", "{stream}",
            "Streams this instance reads, those it has connections of.");
    }

    public void NotificationReceived() => _notifications.Add(1);

    public void Delivered(string stream, double lagSeconds)
    {
        var tag = new KeyValuePair<string, object?>(StreamTag, stream);
        _eventsRead.Add(1, tag);
        _lag.Record(Math.Max(0, lagSeconds), tag);
    }

    public void Reconnected() => _reconnects.Add(1);

    public void ReadFailed(string stream) => _readErrors.Add(1, new KeyValuePair<string, object?>(StreamTag, stream));

    public void ReaderStarted() => _streamsRead.Add(1);

    public void ReaderStopped() => _streamsRead.Add(-1);
}
