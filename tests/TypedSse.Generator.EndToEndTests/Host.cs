using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSse.Generator.EndToEndTests;

/// <summary>A real Kestrel server on 127.0.0.1, port 0, serving generated endpoints.</summary>
internal sealed class Host : IAsyncDisposable
{
    private Host(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<Host> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? build = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddTypedSse();
        build?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Host(app, new HttpClient { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Connects to a stream and, when the server accepts it, reads its hello.</summary>
    public async Task<SseClient> ConnectAsync(string path)
    {
        var client = await SseClient.ConnectAsync(Client, path);
        if (client.Response.StatusCode == HttpStatusCode.OK)
        {
            await client.ReadHelloAsync();
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stop = new CancellationTokenSource(SseClient.Patience);
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}
