using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace TypedSse.PostgreSql.Tests.Infrastructure;

/// <summary>
/// One app instance: a WebApplication on Kestrel at 127.0.0.1 and a free port, with the PostgreSQL backplane. It maps
/// <c>/chat</c> and <c>/news</c>; a <c>user</c> query parameter becomes the connection's user id.
/// </summary>
public sealed class AppInstance : IAsyncDisposable
{
    public static readonly string[] StreamNames = ["chat", "news"];

    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private AppInstance(WebApplication app, string name)
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

    public static WebApplication Build(string connectionString, string schema, ITestOutputHelper? output, string name,
        Action<PostgreSqlBackplaneOptions>? configure = null, TimeProvider? time = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        if (output is not null)
        {
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output, name));
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        builder.Services
            .AddTypedSse(options =>
            {
                // The 10,000-event test reads slower than the backplane delivers bursts of up to ReadBatchSize.
                options.MaxQueuedEventsPerConnection = 50_000;
            })
            .AddPostgreSqlBackplane(connectionString, options =>
            {
                options.SchemaName = schema;
                options.ReconnectDelay = TimeSpan.FromMilliseconds(250);
                configure?.Invoke(options);
            });

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
                return ValueTask.CompletedTask;
            });
        }
        return app;
    }

    /// <param name="port">The port to listen on; 0 for a free one. An instance that restarts takes its predecessor's.</param>
    public static async Task<AppInstance> StartAsync(string connectionString, string schema, ITestOutputHelper? output = null,
        string name = "app", Action<PostgreSqlBackplaneOptions>? configure = null, TimeProvider? time = null, int port = 0)
    {
        var app = Build(connectionString, schema, output, name, configure, time, port);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new AppInstance(app, name);
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>
    /// A client of one stream that reads in the background, returned once this instance has subscribed its
    /// connection: live events reach a connection only then, so waiting for the headers alone would race.
    /// </summary>
    public async Task<SseClient> ConnectAsync(string stream, long? lastEventId = null, string? user = null)
    {
        int before = Streams[stream].ConnectionCount;
        var url = Url(user is null ? $"/{stream}" : $"/{stream}?user={Uri.EscapeDataString(user)}");
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
