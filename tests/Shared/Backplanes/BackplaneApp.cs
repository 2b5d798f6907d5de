using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace TypedSse.Testing;

/// <summary>
/// One app instance over a backplane: a WebApplication on Kestrel at 127.0.0.1 and a free port. It maps <c>/chat</c>
/// and <c>/news</c>; a <c>user</c> query parameter becomes the connection's user id, a <c>topic</c> one its topic.
/// </summary>
public sealed class BackplaneApp : IAsyncDisposable
{
    public static readonly string[] StreamNames = ["chat", "news"];

    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private BackplaneApp(WebApplication app, string name)
    {
        _app = app;
        Name = name;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.Single());
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public EventStreams Streams => _app.Services.GetRequiredService<EventStreams>();

    public IMeterFactory MeterFactory => _app.Services.GetRequiredService<IMeterFactory>();

    public static async Task<BackplaneApp> StartAsync(Action<ITypedSseBuilder> addBackplane, ITestOutputHelper? output = null,
        string name = "app", TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output, name));
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        // The many-events tests read slower than a backplane delivers bursts of a read batch.
        addBackplane(builder.Services.AddTypedSse(options => options.MaxQueuedEventsPerConnection = 50_000));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var app = builder.Build();
        foreach (string stream in StreamNames)
        {
            app.MapEventStream($"/{stream}", stream, endpoint => endpoint.OnConnecting = context =>
            {
                if (context.HttpContext.Request.Query["user"] is { Count: > 0 } user)
                {
                    context.UserId = user.ToString();
                }
                if (context.HttpContext.Request.Query["topic"] is { Count: > 0 } topic)
                {
                    context.Topics.Add(topic.ToString());
                }
                return ValueTask.CompletedTask;
            });
        }
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new BackplaneApp(app, name);
    }

    /// <summary>
    /// A client of one stream that reads in the background, returned once this instance has subscribed its
    /// connection: live events reach a connection only then, so waiting for the headers alone would race.
    /// </summary>
    public async Task<SseClient> ConnectAsync(string stream, long? lastEventId = null, string? user = null, string? topic = null)
    {
        int before = Streams[stream].ConnectionCount;
        var query = new List<string>();
        if (user is not null)
        {
            query.Add($"user={Uri.EscapeDataString(user)}");
        }
        if (topic is not null)
        {
            query.Add($"topic={Uri.EscapeDataString(topic)}");
        }
        var url = new Uri(BaseAddress, query.Count == 0 ? $"/{stream}" : $"/{stream}?{string.Join('&', query)}");
        var client = await SseClient.ConnectAsync(_http, url.ToString(), lastEventId?.ToString(CultureInfo.InvariantCulture));
        try
        {
            client.Response.EnsureSuccessStatusCode();
            client.ReadInBackground();
            await Eventually.TrueAsync(() => Streams[stream].ConnectionCount > before, $"the connection to {stream} to be subscribed");
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public ValueTask<long> PublishAsync(string stream, string data, EventAudience audience = default) =>
        Streams[stream].PublishTextAsync("n", data, audience);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
