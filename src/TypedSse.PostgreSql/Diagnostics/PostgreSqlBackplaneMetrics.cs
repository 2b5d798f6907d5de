using System.Diagnostics.Metrics;

namespace TypedSse.PostgreSql.Diagnostics;

/// <summary>The instruments of the <c>TypedSse.PostgreSql</c> meter.</summary>
internal sealed class PostgreSqlBackplaneMetrics
{
    public const string MeterName = "TypedSse.PostgreSql";
    private const string StreamTag = "typedsse.stream";

    private readonly Counter<long> _notifications;
    private readonly Counter<long> _catchUpReads;
    private readonly Counter<long> _eventsRead;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _pruned;
    private readonly Counter<long> _reads;
    private readonly UpDownCounter<long> _streamsRead;

    public PostgreSqlBackplaneMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _notifications = meter.CreateCounter<long>("typedsse.postgresql.notifications.received", "{notification}",
            "Notifications of new events received from the database.");
        _catchUpReads = meter.CreateCounter<long>("typedsse.postgresql.catch_up.reads", "{read}",
            "Reads of the events published while this instance was not listening, after it (re)connected.");
        _eventsRead = meter.CreateCounter<long>("typedsse.postgresql.events.read", "{event}",
            "Events read from the database and handed to this instance's connections.");
        _lag = meter.CreateHistogram<double>("typedsse.postgresql.delivery.lag", "s",
            "Time from an event's publish (created_at, the publishing instance's clock) to its delivery to this instance's connections (this instance's clock).");
        _reconnects = meter.CreateCounter<long>("typedsse.postgresql.reconnects", "{connection}",
            "Times the listening connection was re-established after it was lost.");
        _pruned = meter.CreateCounter<long>("typedsse.postgresql.events.pruned", "{event}",
            "Events deleted by retention.");
        _reads = meter.CreateCounter<long>("typedsse.postgresql.reads", "{read}",
            "Reads of the event log for delivery, each of the notified streams this instance serves (all of them after a reconnect or a failed read).");
        _streamsRead = meter.CreateUpDownCounter<long>("typedsse.postgresql.streams.read", "{stream}",
            "Streams this instance reads, those it has connections of.");
    }

    public void NotificationReceived() => _notifications.Add(1);

    public void CatchUpRead() => _catchUpReads.Add(1);

    public void Delivered(string stream, double lagSeconds)
    {
        var tag = new KeyValuePair<string, object?>(StreamTag, stream);
        _eventsRead.Add(1, tag);
        _lag.Record(Math.Max(0, lagSeconds), tag);
    }

    public void Reconnected() => _reconnects.Add(1);

    public void Pruned(long count) => _pruned.Add(count);

    public void Read() => _reads.Add(1);

    public void StreamServed() => _streamsRead.Add(1);

    public void StreamLeft() => _streamsRead.Add(-1);
}
