using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Framing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class FramingTests
{
    private static readonly DateTimeOffset Published = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Event_frames_match_the_golden_file()
    {
        // Stream events as production frames them: once, when the history creates the StreamEvent.
        var output = new StringBuilder();
        void Frame(string? name, long id, string data) =>
            output.Append(Encoding.UTF8.GetString(new StreamEvent("s", id, name, Encoding.UTF8.GetBytes(data), default, Published).Frame.Span));

        Frame("messagePosted", 1, """{"user":"ada","text":"hi"}""");
        Frame(null, 2, "plain message");
        Frame("multi", 3, "line one\r\nline two\rline three\nline four");
        Frame("trailing", 4, "ends with a newline\n");
        Frame("empty", 5, "");
        Frame("unicode", 6, "grüße 你好 🎉");
        Golden.Match("frames.txt", output.ToString());
    }

    [Fact]
    public void Connection_frames_match_the_golden_file()
    {
        // Everything else a connection writes: the hello and a reset, per-connection sends with and without an id,
        // a retry and a comment on their own.
        var output = new ArrayBufferWriter<byte>();
        ControlEvents.WritePreamble(output, "c0nnect10n", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(2500), startId: 1795269600000001);
        ControlEvents.WritePreamble(output, "handler", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(2500), startId: null);
        ControlEvents.WriteReset(output, subscription: null, ControlEvents.HistoryGapReason, 7, 1795269600000950, positions: default);
        output.Write(SseFrameWriter.FrameEvent("snapshot", """{"a":1}"""u8).Span);
        output.Write(SseFrameWriter.FrameEvent(null, "two\nlines"u8, id: "custom-7").Span);
        output.Write(SseFrameWriter.FrameEvent("forget", "x"u8, id: "").Span);
        output.Write(SseFrameWriter.FrameRetry(TimeSpan.FromSeconds(1)).Span);
        output.Write(SseFrameWriter.FrameComment("two\nlines").Span);
        Golden.Match("connection-frames.txt", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Multiplexed_frames_match_the_golden_file()
    {
        // A multiplexed connection's hello with a refused subscription, a subscription's reset, a stream event behind
        // the connection's own header lines, and a connection's own send.
        var output = new ArrayBufferWriter<byte>();
        long[] positions = [1795269600000001, SubscriptionFrames.NoPosition, 42];
        ControlEvents.WriteMultiplexedPreamble(output, "c0nnect10n", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(2500),
            [new("/rooms/a/events", "rooms", "c0nnect10n-0", null), new("/me/events", null, null, 401), new("/lobby/events", "lobby", "c0nnect10n-2", null)],
            positions);
        positions[2] = 50;
        ControlEvents.WriteReset(output, 2, ControlEvents.UnknownIdReason, 99, 50, positions);
        var streamEvent = new StreamEvent("rooms", 1795269600000002, "messagePosted", "{\"text\":\"a\nb\"}"u8.ToArray(), default, Published);
        positions[0] = streamEvent.Id;
        SubscriptionFrames.WriteEventHeader(output, 0, streamEvent.EventNameBytes.Span, positions);
        output.Write(streamEvent.DataLines.Span);
        var unnamed = new StreamEvent("lobby", 51, null, "1"u8.ToArray(), default, Published);
        SubscriptionFrames.WriteEventHeader(output, 2, unnamed.EventNameBytes.Span, [1795269600000002, SubscriptionFrames.NoPosition, 51]);
        output.Write(unnamed.DataLines.Span);
        output.Write(SubscriptionFrames.FrameEvent(0, "snapshot", "{}"u8).Span);
        Golden.Match("multiplexed-frames.txt", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData(null, "data: x\n\n")]
    [InlineData("e", "data: x\n\n")]
    [InlineData("e", "data: a\ndata: b\n\n")]
    public void A_stream_events_data_lines_are_the_end_of_its_frame_after_its_own_header_lines(string? name, string dataLines)
    {
        string data = dataLines.Replace("data: ", "").TrimEnd('\n').Replace("\n", "\r\n");
        var streamEvent = new StreamEvent("s", 42, name, Encoding.UTF8.GetBytes(data), default, Published);

        string header = Encoding.UTF8.GetString(streamEvent.Frame.Span[..^streamEvent.DataLines.Length]);
        Assert.Equal(name is null ? "id: 42\n" : $"event: {name}\nid: 42\n", header);
        Assert.Equal(dataLines, Encoding.UTF8.GetString(streamEvent.DataLines.Span));
    }

    [Theory]
    [InlineData("bad\nname")]
    [InlineData("bad\rname")]
    public void An_event_name_with_a_line_break_is_rejected_naming_the_value(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => EventFields.ThrowIfInvalidEventName(name, "eventName"));
        Assert.Contains("bad\\u000", error.Message);
        Assert.Equal("eventName", error.ParamName);
    }

    [Theory]
    [InlineData("1\n2")]
    [InlineData("1\r2")]
    [InlineData("1\02")]
    public void An_id_with_a_control_character_is_rejected_naming_the_value(string id)
    {
        var error = Assert.Throws<ArgumentException>(() => EventFields.ThrowIfInvalidId(id, "id"));
        Assert.Contains("1\\u00", error.Message);
    }

    [Fact]
    public void Values_that_enter_without_a_publish_are_checked_where_they_enter()
    {
        // A backplane builds stream events from its own store, and drafts can be made by hand; both are framed
        // without another check, so their constructors are where a bad name is stopped.
        var streamEvent = Assert.Throws<ArgumentException>(() => new StreamEvent("s", 1, "a\nb", "1"u8.ToArray(), default, Published));
        Assert.Equal("eventName", streamEvent.ParamName);
        Assert.Throws<ArgumentException>(() => new TypedSse.History.EventDraft("s", "a\rb", "1"u8.ToArray(), default));
        var draft = new TypedSse.History.EventDraft("s", "ok", "1"u8.ToArray(), default);
        Assert.Throws<ArgumentException>(() => draft with { EventName = "a\nb" });
        Assert.Equal(("s", "ok"), (draft.Stream, draft.EventName));
    }

    [Fact]
    public async Task Publishing_with_a_bad_event_name_throws_and_writes_nothing()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await host.Streams["s"].PublishAsync("evil\nevent: x", 1));
        await host.Streams["s"].PublishAsync("ok", 2);

        var next = await client.NextAsync();
        Assert.Equal("ok", next.EventType);
        Assert.Equal("2", next.Data);
    }

    [Fact]
    public async Task Multi_line_and_unicode_payloads_round_trip_through_the_bcl_parser()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        var stream = host.Streams["s"];

        await stream.PublishTextAsync("text", "one\r\ntwo\rthree\nfour");
        await stream.PublishTextAsync("text", "grüße 你好 🎉 \u2028");
        await stream.PublishTextAsync("text", "");
        await stream.PublishTextAsync("text", "\n\n");
        await stream.PublishAsync("json", new { text = "line\nbreak", emoji = "🎉" });

        Assert.Equal("one\ntwo\nthree\nfour", (await client.NextAsync()).Data);
        Assert.Equal("grüße 你好 🎉 \u2028", (await client.NextAsync()).Data);
        Assert.Equal("", (await client.NextAsync()).Data);
        Assert.Equal("\n\n", (await client.NextAsync()).Data);
        var json = System.Text.Json.JsonDocument.Parse((await client.NextAsync()).Data).RootElement;
        Assert.Equal("line\nbreak", json.GetProperty("text").GetString());
        Assert.Equal("🎉", json.GetProperty("emoji").GetString());
    }

    [Fact]
    public async Task Indented_json_from_the_apps_options_is_split_into_data_lines_and_rejoined()
    {
        await using var host = await StreamHost.StartAsync(
            app => app.MapEventStream("/events", "s"),
            options => options.SerializerOptions = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true });
        // No TypeInfoResolver was set: like JsonSerializer, TypedSse falls back to reflection where it is enabled.
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();

        await host.Streams["s"].PublishAsync("json", new { a = 1, b = new[] { 2, 3 } });

        var item = await client.NextAsync();
        Assert.Contains('\n', item.Data);
        var json = System.Text.Json.JsonDocument.Parse(item.Data).RootElement;
        Assert.Equal(3, json.GetProperty("b")[1].GetInt32());
    }

    [Fact]
    public async Task Payloads_are_what_JsonSerializer_writes_with_every_writer_setting_of_the_apps_options()
    {
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            IndentCharacter = '\t',
            IndentSize = 1,
            NewLine = "\r\n",
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.SerializerOptions = options);
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        var stream = host.Streams["s"];
        var value = new { name = "<ada & \"bob\">", nested = new { list = new[] { 1, 2 } } };
        string expected = System.Text.Json.JsonSerializer.Serialize(value, options);
        Assert.Contains("\r\n\t\t\"list\"", expected);

        long id = await stream.PublishAsync("json", value);
        await stream.PublishAsync("written", value, static (writer, state, o) => System.Text.Json.JsonSerializer.Serialize(writer, state, o));

        // The wire carries lines, which SseParser joins with LF; the history keeps the payload's own bytes.
        Assert.Equal(expected.ReplaceLineEndings("\n"), (await client.NextAsync()).Data);
        Assert.Equal(expected.ReplaceLineEndings("\n"), (await client.NextAsync()).Data);
        var history = await stream.ReadHistoryAsync(id - 1);
        Assert.All(history.Events, e => Assert.Equal(expected, Encoding.UTF8.GetString(e.Data.Span)));
    }

    [Fact]
    public async Task Lone_surrogates_in_text_json_event_names_and_ids_arrive_as_the_replacement_character()
    {
        await using var host = await StreamHost.StartAsync(app =>
        {
            app.MapEventStream("/events", "s");
            app.MapEventStream("/handler", (response, ct) => response.SendTextAsync("h\uDC00", "x", id: "i\uD800d", ct).AsTask());
        });
        await using var client = await host.ConnectAsync("/events");
        await client.ReadHelloAsync();
        var stream = host.Streams["s"];

        await stream.PublishTextAsync("text", "a\uD800b");
        await stream.PublishTextAsync("n\uDC00me", "x");
        await stream.PublishAsync("json", new { s = "c\uDBFFd" });

        Assert.Equal("a\uFFFDb", (await client.NextAsync()).Data);
        Assert.Equal("n\uFFFDme", (await client.NextAsync()).EventType);
        var json = (await client.NextAsync()).Data;
        Assert.Equal("c\uFFFDd", System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("s").GetString());

        await using var handler = await host.ConnectAsync("/handler");
        await handler.ReadHelloAsync();
        var item = await handler.NextAsync();
        Assert.Equal(("h\uFFFD", "i\uFFFDd"), (item.EventType, item.EventId));
    }

    [Fact]
    public async Task The_wire_bytes_of_a_session_match_the_golden_file()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var host = await StreamHost.StartAsync(
            app => app.MapEventStream("/events", "s"),
            options => options.RetryInterval = TimeSpan.FromMilliseconds(2500),
            builder => builder.Services.AddSingleton<TimeProvider>(time));
        var stream = host.Streams["s"];
        long first = await stream.PublishAsync("created", new { id = 1, name = "first" });

        using var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        await stream.PublishAsync("renamed", new { id = 1, name = "second\nline" });
        await stream.PublishTextAsync(null, "plain");
        await stream.PublishTextAsync("empty", "");
        host.Streams["s"].Connections.Single().Close();
        string wire = await new StreamReader(body, Encoding.UTF8).ReadToEndAsync().WaitAsync(Wait.Long);

        Golden.Match("session.txt", wire.Replace(ExtractConnectionId(wire), "<connection>"));
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, first);
    }

    private static string ExtractConnectionId(string wire)
    {
        const string marker = "\"connectionId\":\"";
        int start = wire.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return wire[start..wire.IndexOf('"', start)];
    }
}
