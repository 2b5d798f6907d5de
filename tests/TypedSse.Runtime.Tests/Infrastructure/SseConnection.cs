using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TypedSse.Runtime.Tests.Infrastructure;

/// <summary>A client side of a stream, read with the BCL's SseParser as an independent oracle.</summary>
public sealed class SseConnection : IAsyncDisposable
{
    private readonly IAsyncEnumerator<SseItem<string>> _items;
    private readonly CancellationTokenSource _stop = new();

    public SseConnection(HttpResponseMessage response, Stream body)
    {
        Response = response;
        Body = body;
        _items = SseParser.Create(body).EnumerateAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public HttpResponseMessage Response { get; }

    public Stream Body { get; }

    /// <summary>The connection id from the hello event, once <see cref="ReadHelloAsync"/> has run.</summary>
    public string? ConnectionId { get; private set; }

    /// <summary>The last id the parser saw, as a browser would send it on reconnect.</summary>
    public string? LastEventId { get; private set; }

    public async Task<SseItem<string>> ReadHelloAsync()
    {
        var hello = await NextAsync();
        Assert.Equal("typedsse:hello", hello.EventType);
        ConnectionId = JsonDocument.Parse(hello.Data).RootElement.GetProperty("connectionId").GetString();
        return hello;
    }

    /// <summary>The next event, or an exception after a generous bound.</summary>
    public async Task<SseItem<string>> NextAsync(TimeSpan? timeout = null)
    {
        bool more = await _items.MoveNextAsync().AsTask().WaitAsync(timeout ?? Wait.Long);
        Assert.True(more, "The stream ended before the expected event arrived.");
        if (_items.Current.EventId is { Length: > 0 } id)
        {
            LastEventId = id;
        }
        return _items.Current;
    }

    public async Task<List<SseItem<string>>> TakeAsync(int count)
    {
        var items = new List<SseItem<string>>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(await NextAsync());
        }
        return items;
    }

    /// <summary>True when the server ends the stream within the bound.</summary>
    public async Task<bool> EndsAsync(TimeSpan? timeout = null)
    {
        try
        {
            while (await _items.MoveNextAsync().AsTask().WaitAsync(timeout ?? Wait.Long))
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Response.Dispose();
        try
        {
            await _items.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }
}
