using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

public class ResponseTests
{
    [Fact]
    public async Task The_response_has_the_event_stream_headers_and_the_hello_before_any_event()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.RetryInterval = TimeSpan.FromSeconds(7));
        await using var client = await host.ConnectAsync("/events");

        Assert.Equal(HttpStatusCode.OK, client.Response.StatusCode);
        Assert.Equal("text/event-stream", client.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", client.Response.Content.Headers.ContentType?.CharSet);
        Assert.True(client.Response.Headers.CacheControl?.NoCache);
        Assert.Equal("no", Assert.Single(client.Response.Headers.GetValues("X-Accel-Buffering")));
        Assert.Null(client.Response.Content.Headers.ContentLength);

        var hello = await client.ReadHelloAsync();
        Assert.Equal(TimeSpan.FromSeconds(7), hello.ReconnectionInterval);
        Assert.Contains("\"keepAliveMs\":600000", hello.Data);
        Assert.Equal(1, host.Streams["s"].ConnectionCount);
    }

    [Fact]
    public async Task The_first_bytes_arrive_without_any_event_being_published()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        using var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead).WaitAsync(Wait.Long);
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[7];
        await body.ReadExactlyAsync(buffer).AsTask().WaitAsync(Wait.Long);
        Assert.Equal("retry: "u8.ToArray(), buffer);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_method_other_than_get_gets_405(string method)
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/events"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json", HttpStatusCode.NotAcceptable)]
    [InlineData("text/html, application/xhtml+xml", HttpStatusCode.NotAcceptable)]
    [InlineData("text/event-stream;q=0, */*", HttpStatusCode.NotAcceptable)]
    [InlineData("text/event-stream", HttpStatusCode.OK)]
    [InlineData("*/*", HttpStatusCode.OK)]
    [InlineData("text/*", HttpStatusCode.OK)]
    [InlineData("application/json, text/event-stream;q=0.5", HttpStatusCode.OK)]
    public async Task Accept_is_negotiated(string accept, HttpStatusCode expected)
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_406_says_what_the_endpoint_serves_and_what_to_send()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"));
        var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        using var response = await host.Client.SendAsync(request).WaitAsync(Wait.Long);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(
            "This endpoint serves Server-Sent Events (text/event-stream), which the request's Accept header 'application/json' excludes. " +
            "Send 'Accept: text/event-stream' (EventSource and the TypedSse clients do), or no Accept header.\n",
            body);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task It_streams_over_http2_without_connection_specific_headers()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), protocols: HttpProtocols.Http2);
        await using var client = await host.ConnectAsync("/events");
        Assert.Equal(HttpVersion.Version20, client.Response.Version);
        Assert.False(client.Response.Headers.Contains("Connection"));
        Assert.False(client.Response.Headers.Contains("Keep-Alive"));
        Assert.Null(client.Response.Headers.TransferEncodingChunked);
        await client.ReadHelloAsync();

        await host.Streams["s"].PublishAsync("x", new { n = 1 });
        Assert.Equal("""{"n":1}""", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task Response_compression_is_turned_off_for_the_stream()
    {
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                app.UseResponseCompression();
                app.MapEventStream("/events", "s");
            },
            build: builder => builder.Services.AddResponseCompression(o =>
            {
                o.EnableForHttps = true;
                o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Append("text/event-stream");
            }));
        await using var client = await host.ConnectAsync("/events", configure: r => r.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip")));
        Assert.Empty(client.Response.Content.Headers.ContentEncoding);
        await client.ReadHelloAsync();
        await host.Streams["s"].PublishAsync("x", 1);
        Assert.Equal("1", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task A_connection_rejected_with_204_gets_no_stream()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s", o => o.OnConnecting = context =>
        {
            context.Reject();
            return ValueTask.CompletedTask;
        }));
        using var response = await host.Client.GetAsync("/events");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, host.Streams["s"].ConnectionCount);
    }

    [Fact]
    public void Rejecting_with_200_is_refused_with_a_fix()
    {
        var context = new EventStreamConnectingContext(new Microsoft.AspNetCore.Http.DefaultHttpContext(), "s", null, [], []);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => context.Reject(200));
        Assert.Contains("204", error.Message);
    }

    [Fact]
    public async Task The_endpoint_says_it_produces_text_event_stream_and_takes_conventions()
    {
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                app.UseCors();
                app.UseRateLimiter();
                app.MapEventStream("/events", "s").WithName("events").RequireCors(p => p.AllowAnyOrigin()).RequireRateLimiting("streams");
            },
            build: b => b.Services.AddCors().AddRateLimiter(o => o.AddConcurrencyLimiter("streams", l => l.PermitLimit = 10)));
        var endpoint = host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Single(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()?.EndpointName == "events");
        var produces = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>();
        Assert.Equal(["text/event-stream"], produces!.ContentTypes);
        Assert.NotNull(endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Cors.Infrastructure.ICorsPolicyMetadata>());

        await using var client = await host.ConnectAsync("/events", configure: r => r.Headers.Add("Origin", "http://example.test"));
        Assert.Equal("*", Assert.Single(client.Response.Headers.GetValues("Access-Control-Allow-Origin")));
        await client.ReadHelloAsync();
    }

    [Fact]
    public async Task Mapping_without_add_typed_sse_says_what_to_do()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapEventStream("/events", "s"));
        Assert.Contains("AddTypedSse()", error.Message);
    }

    [Fact]
    public async Task Invalid_options_fail_at_start_naming_the_value_and_the_fix()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o =>
            {
                o.HistorySize = -5;
                o.MaxQueuedEventsPerConnection = 0;
            }));
        Assert.Contains("HistorySize is -5", error.Message);
        Assert.Contains("MaxQueuedEventsPerConnection is 0", error.Message);
    }
}
