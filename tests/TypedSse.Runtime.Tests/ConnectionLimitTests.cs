using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSse.Hosting;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>Caps on open streams per user, per address and for the app: refused before they start, with Retry-After.</summary>
public class ConnectionLimitTests
{
    private const int LimitReachedEvent = 14;

    [Fact]
    public async Task A_user_over_its_cap_gets_429_with_a_retry_after_and_its_place_comes_back_when_a_stream_ends()
    {
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                HeaderUser.Use(app);
                app.MapEventStream("/s/events", "s");
                app.MapEventStreams();
            },
            o => o.MaxConnectionsPerUser = 2,
            HeaderUser.Add);

        await using var first = await host.ConnectAsync("/s/events", configure: HeaderUser.As("ada"));
        await using var second = await host.ConnectAsync(Multiplexed.Path("/s/events"), configure: HeaderUser.As("ada"));
        await first.ReadHelloAsync();
        await second.ReadHelloAsync();

        await using (var third = await host.ConnectAsync("/s/events", configure: HeaderUser.As("ada")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.Response.StatusCode);
            var retryAfter = third.Response.Headers.RetryAfter!.Delta!.Value;
            Assert.InRange(retryAfter, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
            Assert.Contains("MaxConnectionsPerUser", await BodyOf(third));
        }
        await using (var bob = await host.ConnectAsync("/s/events", configure: HeaderUser.As("bob")))
        {
            Assert.Equal(HttpStatusCode.OK, bob.Response.StatusCode);
        }
        await using (var anonymous = await host.ConnectAsync("/s/events"))
        {
            Assert.Equal(HttpStatusCode.OK, anonymous.Response.StatusCode);
        }

        host.Streams["s"].FindConnection(first.ConnectionId)!.Close();
        Assert.True(await first.EndsAsync());
        await Wait.UntilAsync(() => host.Streams.ConnectionCount == 1, "the closed stream is gone");
        await using var again = await host.ConnectAsync("/s/events", configure: HeaderUser.As("ada"));
        Assert.Equal(HttpStatusCode.OK, again.Response.StatusCode);
    }

    [Fact]
    public async Task An_address_over_its_cap_gets_429_logged_once_per_interval_and_counted_every_time()
    {
        var logs = new LogCapture();
        await using var host = await StreamHost.StartAsync(
            app => app.MapEventStream("/events", "s"),
            o => o.MaxConnectionsPerAddress = 2,
            builder => builder.Logging.AddProvider(logs));
        using var metrics = new MetricsRecorder(host.Services);

        await using var first = await host.ConnectAsync("/events");
        await using var second = await host.ConnectAsync("/events");
        await first.ReadHelloAsync();
        await second.ReadHelloAsync();
        for (int i = 0; i < 5; i++)
        {
            await using var refused = await host.ConnectAsync("/events");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Response.StatusCode);
            Assert.Contains("MaxConnectionsPerAddress", await BodyOf(refused));
        }

        Assert.Single(logs.Entries, e => e.Category == typeof(EventStreams).FullName && e.EventId.Id == LimitReachedEvent);
        Assert.Equal(5, metrics["typedsse.connections.refused"]);
        Assert.Equal(2, host.Streams.ConnectionCount);
    }

    [Fact]
    public async Task The_app_over_its_cap_gets_503_with_a_retry_after()
    {
        await using var host = await StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.MaxConnections = 1);
        await using var only = await host.ConnectAsync("/events");
        await only.ReadHelloAsync();

        await using var over = await host.ConnectAsync("/events");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, over.Response.StatusCode);
        Assert.NotNull(over.Response.Headers.RetryAfter?.Delta);
        Assert.Contains("TypedSseOptions.MaxConnections)", await BodyOf(over));
        Assert.True(over.Response.Headers.ConnectionClose, "A 503 for a full app keeps its connection (and descriptor) alive.");

        await host.Streams["s"].PublishAsync("still", 1);
        Assert.Equal("1", (await only.NextAsync()).Data);
    }

    [Fact]
    public async Task Past_the_accept_cap_connections_wait_in_the_backlog_until_one_closes()
    {
        var gate = new AcceptGate(2);
        var sockets = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        var listener = await gate.Wrap(sockets).BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                clients.Add(new TcpClient());
                await clients[^1].ConnectAsync((IPEndPoint)listener.EndPoint); // the kernel completes it in the backlog
            }
            var first = (await listener.AcceptAsync())!;
            await using var second = (await listener.AcceptAsync())!;
            Assert.Equal(2, gate.Open);

            var third = listener.AcceptAsync().AsTask();
            Assert.False(third.IsCompleted, "A third connection was accepted past a cap of 2.");

            first.Abort();
            await first.DisposeAsync();
            await using var accepted = (await third.WaitAsync(TimeSpan.FromSeconds(30)))!;
            Assert.Equal(2, gate.Open);

            var waiting = listener.AcceptAsync().AsTask();
            await listener.UnbindAsync();
            Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await listener.DisposeAsync();
            clients.ForEach(static client => client.Dispose());
        }
    }

    [Fact]
    public void The_defaults_follow_the_descriptor_limit()
    {
        Assert.NotNull(DescriptorLimit.Soft); // these tests run on Linux
        int soft = DescriptorLimit.Soft!.Value;
        Assert.Equal(soft - Math.Max(soft / 5, 320), DescriptorLimit.DefaultMaxConnections);

        var services = new ServiceCollection().AddLogging().AddTypedSse().Services.BuildServiceProvider();
        var kestrel = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        Assert.Equal(soft - Math.Max(soft / 10, 256), kestrel.Limits.MaxConcurrentConnections);

        var own = new ServiceCollection().AddLogging().Configure<KestrelServerOptions>(k => k.Limits.MaxConcurrentConnections = 7)
            .AddTypedSse().Services.BuildServiceProvider();
        Assert.Equal(7, own.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxConcurrentConnections);
    }

    [Fact]
    public async Task Limits_that_make_no_sense_fail_at_start_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.MaxConnectionsPerUser = 0));
        Assert.Contains("MaxConnectionsPerUser is 0", error.Message);
    }

    private static Task<string> BodyOf(SseClient client) => new StreamReader(client.Body).ReadToEndAsync();
}
