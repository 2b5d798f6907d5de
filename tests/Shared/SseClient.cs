using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TypedSse.Testing;

/// <summary>
/// The client side of one event stream over real HTTP, parsed with the BCL's <see cref="SseParser"/> as an
/// independent oracle. It reads on demand, so a test can hold the server back the way a slow browser does; call
/// <see cref="ReadInBackground"/> for a client that keeps up on its own. Either way <see cref="Received"/> holds every
/// event read so far and <see cref="NextAsync"/> walks them in order.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    /// <summary>A generous bound for a loaded 2-core machine; tests wait for events, never for time.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<SseItem<string>> _items;
    private readonly List<SseItem<string>> _received = [];
    private TaskCompletionSource _changed = NewSignal();
    private Task<bool>? _pull;
    private Task? _background;
    private int _taken;
    private string? _connectionId;

    public SseClient(HttpResponseMessage response, Stream body)
    {
        Response = response;
        Body = body;
        _items = SseParser.Create(body).EnumerateAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public HttpResponseMessage Response { get; }

    /// <summary>The response body the parser reads, for a test that inspects the connection beneath it.</summary>
    public Stream Body { get; }

    /// <summary>The connection id from the hello event, once <see cref="ReadHelloAsync"/> has read it.</summary>
    public string ConnectionId => _connectionId ?? throw new InvalidOperationException("The hello event has not been read yet: call ReadHelloAsync first.");

    /// <summary>The last id the parser saw, as a browser would send it on reconnect.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Every event read so far, in order, the hello included.</summary>
    public IReadOnlyList<SseItem<string>> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The events read so far without the hello; control events such as <c>typedsse:reset</c> included.</summary>
    public IReadOnlyList<SseItem<string>> Events => [.. Received.Where(static e => e.EventType != "typedsse:hello")];

    /// <summary>The application's events read so far: no <c>typedsse:</c> control events.</summary>
    public IReadOnlyList<SseItem<string>> AppEvents => [.. Received.Where(static e => !e.EventType.StartsWith("typedsse:", StringComparison.Ordinal))];

    /// <summary>How the stream ended, once it has: a clean end of the response, or the error that broke it.</summary>
    public StreamEnd? End { get; private set; }

    /// <summary>Sends a GET for <paramref name="path"/> that accepts <c>text/event-stream</c>, and returns once the headers arrive, whatever the status.</summary>
    public static async Task<SseClient> ConnectAsync(HttpClient http, string path, string? lastEventId = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path) { Version = http.DefaultRequestVersion, VersionPolicy = http.DefaultVersionPolicy };
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        configure?.Invoke(request);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Reads every event as it arrives from now on, instead of when a test asks.</summary>
    public SseClient ReadInBackground()
    {
        _background ??= Task.Run(async () =>
        {
            while (await PullAsync())
            {
            }
        });
        return this;
    }

    /// <summary>Reads the hello event, checks it and keeps its connection id.</summary>
    public async Task<SseItem<string>> ReadHelloAsync()
    {
        var hello = await NextAsync();
        Assert.Equal("typedsse:hello", hello.EventType);
        _connectionId = JsonDocument.Parse(hello.Data).RootElement.GetProperty("connectionId").GetString();
        return hello;
    }

    /// <summary>The next event; fails when the stream ends first, and throws <see cref="TimeoutException"/> after a generous bound.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        var arrived = await UntilAsync(() => Count > _taken, timeout, static () => "the next event");
        Assert.True(arrived, $"The stream ended before the expected event arrived ({End}).");
        lock (_received)
        {
            return _received[_taken++];
        }
    }

    public async Task<List<SseItem<string>>> TakeAsync(int count)
    {
        var items = new List<SseItem<string>>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(await NextAsync());
        }

        return items;
    }

    /// <summary>Reads until the application events satisfy <paramref name="condition"/>; fails if the stream ends first.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<SseItem<string>>, bool> condition, string what, TimeSpan? patience = null)
    {
        var held = await UntilAsync(() => condition(AppEvents), patience, () => $"{what} (received {AppEvents.Count} events)");
        Assert.True(held, $"The stream ended before {what} ({End}; received {AppEvents.Count} events).");
    }

    public Task WaitForCountAsync(int count, TimeSpan? patience = null) =>
        WaitForAsync(events => events.Count >= count, $"{count} events", patience);

    /// <summary>True once the server has ended the stream, cleanly or not (see <see cref="EndAsync"/> to tell which).</summary>
    public async Task<bool> EndsAsync(TimeSpan? timeout = null)
    {
        await EndAsync(timeout);
        return true;
    }

    /// <summary>Reads to the end of the stream and says how it ended.</summary>
    public async Task<StreamEnd> EndAsync(TimeSpan? timeout = null)
    {
        await UntilAsync(static () => false, timeout, static () => "the end of the stream");
        return End!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Response.Dispose();
        try
        {
            await (_background ?? _pull ?? Task.CompletedTask);
            await _items.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
        }
    }

    private int Count
    {
        get
        {
            lock (_received)
            {
                return _received.Count;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // True when the condition holds, false when the stream ended without it; throws after the bound. A client read on
    // demand reads one event at a time until then; a background reader is waited for.
    private async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout, Func<string> what)
    {
        var bound = timeout ?? Patience;
        using var patience = new CancellationTokenSource(bound);
        try
        {
            while (true)
            {
                var changed = _changed;
                if (condition())
                {
                    return true;
                }

                if (End is not null)
                {
                    return false;
                }

                await (_background is null ? PullAsync() : changed.Task).WaitAsync(patience.Token);
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            throw new TimeoutException($"Gave up waiting for {what()} after {bound}.");
        }
    }

    // One read at a time: a wait that timed out leaves its read running, and the next wait joins it.
    private Task<bool> PullAsync()
    {
        if (_pull is null || _pull.IsCompleted)
        {
            _pull = ReadOneAsync();
        }

        return _pull;
    }

    private async Task<bool> ReadOneAsync()
    {
        try
        {
            if (!await _items.MoveNextAsync())
            {
                End = new StreamEnd(null);
                return false;
            }

            var item = _items.Current;
            if (item.EventId is { Length: > 0 } id)
            {
                LastEventId = id;
            }

            lock (_received)
            {
                _received.Add(item);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            End = new StreamEnd(ex);
            return false;
        }
        finally
        {
            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        }
    }
}

/// <summary>How a stream ended: cleanly (the response completed) or broken by <paramref name="Error"/> (a reset, a cut).</summary>
public sealed record StreamEnd(Exception? Error)
{
    public bool Clean => Error is null;

    public override string ToString() => Clean ? "ended cleanly" : $"broken: {Error!.GetType().Name}: {Error.Message}{(Error.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "")}";
}
