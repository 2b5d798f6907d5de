using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
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
    // A generous bound for a loaded 2-core machine; tests wait for events, never for time.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

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

    public async Task<Client> ConnectAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);
        var client = new Client(response, await response.Content.ReadAsStreamAsync());
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var hello = await client.NextAsync();
            Assert.Equal("typedsse:hello", hello.EventType);
            client.ConnectionId = JsonDocument.Parse(hello.Data).RootElement.GetProperty("connectionId").GetString()!;
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stop = new CancellationTokenSource(Patience);
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}

/// <summary>One client of a stream, read with the BCL's SseParser.</summary>
internal sealed class Client(HttpResponseMessage response, Stream body) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private IAsyncEnumerator<SseItem<string>>? _items;

    public HttpResponseMessage Response { get; } = response;

    public string ConnectionId { get; set; } = "";

    public async Task<SseItem<string>> NextAsync()
    {
        _items ??= SseParser.Create(body).EnumerateAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        Assert.True(await _items.MoveNextAsync().AsTask().WaitAsync(Host.Patience), "The stream ended before the next event.");
        return _items.Current;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Response.Dispose();
        try
        {
            if (_items is not null)
            {
                await _items.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
