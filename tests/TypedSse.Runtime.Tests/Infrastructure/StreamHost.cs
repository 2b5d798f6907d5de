using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSse.Runtime.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port, and an HttpClient pointed at it.</summary>
public sealed class StreamHost : IAsyncDisposable
{
    private StreamHost(WebApplication app, Uri baseAddress, HttpProtocols protocols)
    {
        App = app;
        BaseAddress = baseAddress;
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        Client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (protocols == HttpProtocols.Http2)
        {
            Client.DefaultRequestVersion = HttpVersion.Version20;
            Client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public EventStreams Streams => App.Services.GetRequiredService<EventStreams>();

    public static async Task<StreamHost> StartAsync(
        Action<WebApplication> map,
        Action<TypedSseOptions>? configure = null,
        Action<WebApplicationBuilder>? build = null,
        HttpProtocols protocols = HttpProtocols.Http1,
        int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = protocols));
        builder.Services.AddTypedSse(options =>
        {
            options.KeepAliveInterval = TimeSpan.FromMinutes(10);
            configure?.Invoke(options);
        });
        build?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new StreamHost(app, new Uri(address), protocols);
    }

    public Task<SseClient> ConnectAsync(string path, string? lastEventId = null, Action<HttpRequestMessage>? configure = null) =>
        SseClient.ConnectAsync(Client, path, lastEventId, configure);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stop = new CancellationTokenSource(Wait.Long);
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}
