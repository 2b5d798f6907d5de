using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace TypedSse.Client;

/// <summary>What a <see cref="StreamRequest"/> hands each event of an open response to.</summary>
internal interface IStreamReader
{
    /// <summary>The server answered with an event stream.</summary>
    void Opened();

    /// <summary>One event, with the parser's last event id after it; the hello too, after its keep-alive was read.</summary>
    Task HandleAsync(SseItem<string> item, string lastEventId, CancellationToken stop);
}

/// <summary>
/// One connection attempt, of a dedicated connection or a multiplexed one: the request (with <c>Last-Event-ID</c> and
/// the app's headers), the status rules, and the response read with <see cref="SseParser"/> under the watchdog.
/// </summary>
internal static class StreamRequest
{
    /// <summary>How an attempt ended.</summary>
    /// <param name="Opened">The server answered with an event stream.</param>
    /// <param name="Stop">Not to be retried: stopped, told to stop (204) or refused (<paramref name="Refusal"/>).</param>
    /// <param name="Error">Why a retried attempt failed, to report.</param>
    /// <param name="RetryAfter">The response's <c>Retry-After</c>, which replaces the retry delay.</param>
    /// <param name="Refusal">Why the server refused for good.</param>
    /// <param name="Status">The status of a response that was not an event stream.</param>
    /// <param name="Body">The JSON body of a refusal (the multiplexed endpoint's list of refused subscriptions).</param>
    /// <param name="Interrupted">Ended by the owner to make a new request (its set of streams changed).</param>
    internal readonly record struct Outcome(
        bool Opened, bool Stop, Exception? Error = null, TimeSpan? RetryAfter = null, Exception? Refusal = null,
        HttpStatusCode? Status = null, string? Body = null, bool Interrupted = false);

    /// <summary>The longest refusal body read: the multiplexed endpoint's lists a few entries.</summary>
    private const int MaxBodyLength = 64 * 1024;

    public static async Task<Outcome> RunAsync(
        EventStreamClient client, string path, string? lastEventId, IStreamReader reader, Action<TimeSpan> retry,
        CancellationToken stop, CancellationToken interrupt)
    {
        var options = client.Options;
        var time = options.TimeProvider ?? TimeProvider.System;
        using var watchdog = new Watchdog(time, options);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, interrupt, watchdog.Token);
        var opened = false;
        SseParser<string>? parser = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.RelativeOrAbsolute));
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (lastEventId is { Length: > 0 })
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            }

            if (options.ConfigureRequest is { } configure)
            {
                await configure(request, attempt.Token).ConfigureAwait(false);
            }

            using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return new Outcome(false, Stop: true, Status: response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                var error = new EventStreamHttpException(response.StatusCode, path);
                var status = (int)response.StatusCode;
                if (status >= 500 || status is 408 or 429)
                {
                    return new Outcome(false, Stop: false, error, RetryAfter(response, time), Status: response.StatusCode);
                }

                return new Outcome(false, Stop: true, Refusal: error, Status: response.StatusCode, Body: await JsonBodyAsync(response, attempt.Token).ConfigureAwait(false));
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return new Outcome(false, Stop: true, Refusal: new EventStreamContentTypeException(response.Content.Headers.ContentType?.ToString(), path));
            }

            opened = true;
            var body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
            await using var activity = new ActivityStream(body, watchdog.Touch);
            watchdog.Touch();
            reader.Opened();
            parser = SseParser.Create(activity, static (_, data) => Encoding.UTF8.GetString(data));
            await foreach (var item in parser.EnumerateAsync(attempt.Token).ConfigureAwait(false))
            {
                if (item.EventType == ControlEvents.Hello)
                {
                    watchdog.KeepAlive(KeepAlive(item.Data));
                }

                await reader.HandleAsync(item, parser.LastEventId, stop).ConfigureAwait(false);
            }

            return new Outcome(opened, Stop: false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new Outcome(opened, Stop: true);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            return new Outcome(opened, Stop: false, Interrupted: true);
        }
        catch (OperationCanceledException) when (watchdog.Fired)
        {
            return new Outcome(opened, Stop: false, new EventStreamTimeoutException(watchdog.Limit ?? TimeSpan.Zero));
        }
        catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException)
        {
            return new Outcome(opened, Stop: false, error);
        }
        catch (Exception error) when (!opened)
        {
            // The request callback threw: a failed attempt, retried like a network error.
            return new Outcome(opened, Stop: false, error);
        }
        finally
        {
            // retry: applies at once, so a field read after the last event (or before a lost connection) counts too.
            if (parser?.ReconnectionInterval is { } interval && interval >= TimeSpan.Zero && interval != Timeout.InfiniteTimeSpan)
            {
                retry(interval);
            }
        }
    }

    private static TimeSpan? KeepAlive(string hello)
    {
        try
        {
            using var document = JsonDocument.Parse(hello);
            return ControlEvents.KeepAlive(document.RootElement);
        }
        catch (JsonException)
        {
            return null; // The reader reports the malformed hello.
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        var delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - time.GetUtcNow() : null);
        return delay is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : null;
    }

    private static async Task<string?> JsonBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not "application/json")
        {
            return null;
        }

        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return body.Length <= MaxBodyLength ? body : null;
        }
        catch (Exception error) when (error is HttpRequestException or IOException)
        {
            return null;
        }
    }
}
