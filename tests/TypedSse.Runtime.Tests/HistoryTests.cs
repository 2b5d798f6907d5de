using System.Text;
using Microsoft.Extensions.Time.Testing;
using TypedSse.History;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class HistoryTests
{
    private sealed class RecordingSink : IEventSink
    {
        public List<StreamEvent> Delivered { get; } = [];

        public void Deliver(StreamEvent streamEvent) => Delivered.Add(streamEvent);
    }

    private static (InMemoryEventLog Log, RecordingSink Sink, FakeTimeProvider Time) Create(int size = 3, TimeSpan? maxAge = null)
    {
        var sink = new RecordingSink();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        var log = new InMemoryEventLog(sink, size, maxAge, time);
        return (log, sink, time);
    }

    private static EventDraft Draft(string stream, string data) => new(stream, "e", Encoding.UTF8.GetBytes(data), default);

    [Fact]
    public async Task Ids_increase_per_stream_from_a_time_seed_and_every_event_is_delivered_in_order()
    {
        var (log, sink, time) = Create();
        long a1 = await log.PublishAsync(Draft("a", "1"), default);
        long a2 = await log.PublishAsync(Draft("a", "2"), default);
        long b1 = await log.PublishAsync(Draft("b", "1"), default);

        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, a1);
        Assert.Equal(a1 + 1, a2);
        Assert.Equal(a1, b1);
        Assert.Equal([a1, a2, b1], sink.Delivered.Select(e => e.Id));
    }

    [Fact]
    public async Task The_ring_keeps_the_newest_events_and_reports_a_gap_before_them()
    {
        var (log, _, _) = Create(size: 3);
        var ids = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await log.PublishAsync(Draft("s", i.ToString()), default));
        }

        var fromSecond = await log.ReadAfterAsync("s", ids[1], default);
        Assert.Equal(HistoryReadStatus.Complete, fromSecond.Status);
        Assert.Equal(["2", "3", "4"], fromSecond.Events.Select(e => Encoding.UTF8.GetString(e.Data.Span)));
        Assert.Equal(ids[4], fromSecond.LatestEventId);

        Assert.Equal(HistoryReadStatus.Gap, (await log.ReadAfterAsync("s", ids[0], default)).Status);
        Assert.Empty((await log.ReadAfterAsync("s", ids[4], default)).Events);
        Assert.Equal(HistoryReadStatus.UnknownId, (await log.ReadAfterAsync("s", ids[4] + 1, default)).Status);
        Assert.Equal(HistoryReadStatus.UnknownId, (await log.ReadAfterAsync("s", 42, default)).Status);
    }

    [Fact]
    public async Task A_client_that_saw_nothing_yet_on_a_new_stream_gets_everything()
    {
        var (log, _, _) = Create(size: 10);
        long first = await log.PublishAsync(Draft("s", "0"), default);
        var read = await log.ReadAfterAsync("s", first - 1, default);
        Assert.Equal(HistoryReadStatus.Complete, read.Status);
        Assert.Single(read.Events);
    }

    [Fact]
    public async Task Events_past_the_maximum_age_leave_the_history()
    {
        var (log, _, time) = Create(size: 10, maxAge: TimeSpan.FromSeconds(30));
        long old = await log.PublishAsync(Draft("s", "old"), default);
        time.Advance(TimeSpan.FromSeconds(20));
        long recent = await log.PublishAsync(Draft("s", "recent"), default);
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(HistoryReadStatus.Gap, (await log.ReadAfterAsync("s", old - 1, default)).Status);
        var read = await log.ReadAfterAsync("s", old, default);
        Assert.Equal([recent], read.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task With_no_history_only_the_newest_id_resumes()
    {
        var (log, sink, _) = Create(size: 0);
        long a = await log.PublishAsync(Draft("s", "a"), default);
        long b = await log.PublishAsync(Draft("s", "b"), default);
        Assert.Equal(2, sink.Delivered.Count);
        Assert.Equal(HistoryReadStatus.Complete, (await log.ReadAfterAsync("s", b, default)).Status);
        Assert.Equal(HistoryReadStatus.Gap, (await log.ReadAfterAsync("s", a, default)).Status);
    }

    [Fact]
    public void A_single_line_payload_is_kept_once_inside_the_frame()
    {
        var streamEvent = new StreamEvent("s", 7, "e", "{\"a\":1}"u8.ToArray(), default, DateTimeOffset.UnixEpoch);
        Assert.Equal("event: e\nid: 7\ndata: {\"a\":1}\n\n", Encoding.UTF8.GetString(streamEvent.Frame.Span));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(streamEvent.Data.Span));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(streamEvent.Data, out var data));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(streamEvent.Frame, out var frame));
        Assert.Same(frame.Array, data.Array);
    }
}
