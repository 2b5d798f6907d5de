using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Framing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class FramingTests
{
    [Fact]
    public void Event_frames_match_the_golden_file()
    {
        var output = new StringBuilder();
        void Frame(string? name, long id, string data)
        {
            var writer = new ArrayBufferWriter<byte>();
            SseFrameWriter.WriteEvent(writer, name, id, Encoding.UTF8.GetBytes(data));
            output.Append(Encoding.UTF8.GetString(writer.WrittenSpan));
        }

        Frame("messagePosted", 1, """{"user":"ada","text":"hi"}""");
        Frame(null, 2, "plain message");
        Frame("multi", 3, "line one\r\nline two\rline three\nline four");
        Frame("trailing", 4, "ends with a newline\n");
        Frame("empty", 5, "");
        Frame("unicode", 6, "grüße 你好 🎉");
        Golden.Match("frames.txt", output.ToString());
    }

    [Theory]
    [InlineData("bad\nname")]
    [InlineData("bad\rname")]
    public void An_event_name_with_a_line_break_is_rejected_naming_the_value(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => SseFrameWriter.ValidateEventName(name, "eventName"));
        Assert.Contains("bad\\u000", error.Message);
        Assert.Equal("eventName", error.ParamName);
    }

    [Theory]
    [InlineData("1\n2")]
    [InlineData("1\r2")]
    [InlineData("1\02")]
    public void An_id_with_a_control_character_is_rejected_naming_the_value(string id)
    {
        var error = Assert.Throws<ArgumentException>(() => SseFrameWriter.ValidateId(id, "id"));
        Assert.Contains("1\\u00", error.Message);
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
    public async Task The_wire_bytes_of_a_session_match_the_golden_file()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
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
        Assert.Equal(time.Now.ToUnixTimeMilliseconds() * 1000, first);
    }

    private static string ExtractConnectionId(string wire)
    {
        const string marker = "\"connectionId\":\"";
        int start = wire.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return wire[start..wire.IndexOf('"', start)];
    }
}
