using System.Net.Http.Headers;
using System.Net.ServerSentEvents;

namespace TypedSse.PostgreSql.Tests.Infrastructure;

/// <summary>An event as a client received it.</summary>
public sealed record ReceivedEvent(string EventType, string Data, long? Id);

/// <summary>
/// A streaming HTTP client of one stream, parsed with the BCL's <see cref="SseParser"/>. It records every event but
/// the hello, and returns from <see cref="ConnectAsync"/> only once the instance has subscribed the connection.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ReceivedEvent> _events = [];
    private Task _reading = Task.CompletedTask;

    private SseClient()
    {
    }

    /// <summary>Every event received so far, in order, control events (<c>typedsse:reset</c>) included.</summary>
    public IReadOnlyList<ReceivedEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The application events received so far (control events left out).</summary>
    public IReadOnlyList<ReceivedEvent> AppEvents => Events.Where(e => !e.EventType.Contains(':', StringComparison.Ordinal)).ToList();

    public static async Task<SseClient> ConnectAsync(AppInstance instance, string stream, long? lastEventId = null, string? user = null)
    {
        var client = new SseClient();
        int before = instance.Streams[stream].ConnectionCount;
        var request = new HttpRequestMessage(HttpMethod.Get, instance.Url(user is null ? $"/{stream}" : $"/{stream}?user={Uri.EscapeDataString(user)}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is long id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var response = await client._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, client._stop.Token);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(client._stop.Token);
        client._reading = client.ReadAsync(body);

        // Live events reach a connection only once it is subscribed; wait for that, not just for the headers.
        await Eventually.TrueAsync(() => instance.Streams[stream].ConnectionCount > before, $"the connection to {stream} to be subscribed");
        return client;
    }

    private async Task ReadAsync(Stream body)
    {
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                if (item.EventType == "typedsse:hello")
                {
                    continue;
                }
                long? id = long.TryParse(item.EventId, out long parsed) ? parsed : null;
                lock (_events)
                {
                    _events.Add(new ReceivedEvent(item.EventType, item.Data, id));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
        }
    }

    /// <summary>Waits until the application events satisfy <paramref name="condition"/>.</summary>
    public Task WaitForAsync(Func<IReadOnlyList<ReceivedEvent>, bool> condition, string what, TimeSpan? patience = null) =>
        Eventually.TrueAsync(() => condition(AppEvents), what, patience, () => $"received {AppEvents.Count} events");

    public Task WaitForCountAsync(int count, TimeSpan? patience = null) =>
        WaitForAsync(events => events.Count >= count, $"{count} events", patience);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _http.Dispose();
        _stop.Dispose();
    }
}
