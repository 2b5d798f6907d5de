using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace TypedSse.Benchmarks.Servers;

/// <summary>
/// The practical ceiling: a Kestrel handler that keeps each response's <see cref="PipeWriter"/>, and a publisher that
/// formats each event's frame once, by hand, and writes and flushes it into every response directly: no JSON
/// serializer, no queue, no pings, no history.
/// </summary>
internal sealed class RawServer : IBenchServer
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _frame = new(256);
    private readonly List<Task> _pending = [];
    private PipeWriter[] _clients = [];

    public int Subscribers => Volatile.Read(ref _clients).Length;

    public (long DroppedEvents, long Disconnects) Losses => (0, 0);

    public void ConfigureServices(WebApplicationBuilder builder)
    {
    }

    public void Map(WebApplication app) =>
        app.MapGet("/bench", async context =>
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            context.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
            var writer = response.BodyWriter;
            await writer.FlushAsync(context.RequestAborted);
            lock (_gate)
            {
                _clients = [.. _clients, writer];
            }
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                lock (_gate)
                {
                    _clients = [.. _clients.Where(c => c != writer)];
                }
            }
        });

    // Called by one publisher at a time.
    public async ValueTask PublishAsync(BenchTick tick)
    {
        _frame.ResetWrittenCount();
        tick.WriteFrame(_frame);
        var frame = _frame.WrittenSpan;
        foreach (var writer in Volatile.Read(ref _clients))
        {
            try
            {
                writer.Write(frame);
                var flush = writer.FlushAsync();
                if (!flush.IsCompleted)
                {
                    _pending.Add(flush.AsTask());
                }
            }
            catch (InvalidOperationException)
            {
                // The response completed under us: the client went away.
            }
        }
        if (_pending.Count > 0)
        {
            try
            {
                await Task.WhenAll(_pending);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException)
            {
            }
            _pending.Clear();
        }
    }
}
