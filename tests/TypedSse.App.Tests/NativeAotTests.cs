using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace TypedSse.App.Tests;

/// <summary>
/// The README's claim that payloads go through the app's JsonSerializerContext for trimming and AOT: an app with a
/// generated contract, the runtime and the PostgreSQL backplane publishes natively with no trim or AOT warning, and
/// the native binary streams a typed event over HTTP.
/// </summary>
public sealed class NativeAotTests(TestAppPublish publish, ITestOutputHelper output) : IClassFixture<TestAppPublish>
{
    [Fact]
    public void The_native_publish_has_no_trim_or_AOT_warnings()
    {
        output.WriteLine(publish.Output);
        publish.AssertNativeWithoutWarnings();
    }

    [Fact]
    public async Task The_native_app_streams_a_typed_event_to_an_HTTP_client()
    {
        await using var app = await AppProcess.StartNativeAsync(publish.Executable, output);
        using var http = new HttpClient { BaseAddress = app.Url, Timeout = Timeout.InfiniteTimeSpan };

        await using var client = await SseClient.ConnectAsync(http, "/rooms/lobby/events");
        Assert.Equal(HttpStatusCode.OK, client.Response.StatusCode);
        Assert.Equal("text/event-stream", client.Response.Content.Headers.ContentType?.MediaType);
        await client.ReadHelloAsync();

        (await http.PostAsync("/rooms/kitchen/ticks/1", null)).EnsureSuccessStatusCode(); // another room's
        (await http.PostAsync("/rooms/lobby/ticks/7", null)).EnsureSuccessStatusCode();

        var ticked = await client.NextAsync();
        Assert.Equal("ticked", ticked.EventType);
        Assert.True(long.TryParse(ticked.EventId, out _), $"The event id '{ticked.EventId}' is not a number.");
        // Written by the app's JsonSerializerContext (camelCase from its JsonSerializerDefaults.Web).
        Assert.Equal("""{"tick":{"count":7,"labels":["native","lobby"]},"source":"post"}""", ticked.Data);
        using var data = JsonDocument.Parse(ticked.Data);
        Assert.Equal(7, data.RootElement.GetProperty("tick").GetProperty("count").GetInt32());
    }
}
