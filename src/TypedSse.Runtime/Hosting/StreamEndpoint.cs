using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using TypedSse.Diagnostics;
using TypedSse.Framing;
using TypedSse.History;

namespace TypedSse.Hosting;

/// <summary>Serves a named stream: subscribes the connection, replays what it missed, then writes live events.</summary>
internal sealed class StreamEndpoint(EventStreamServer server, string streamName, string[] routeParameters, EventStreamEndpointOptions endpointOptions)
{
    private const int ReplayFlushBytes = 64 * 1024;

    public async Task HandleAsync(HttpContext context)
    {
        if (!server.Negotiate(context, streamName))
        {
            return;
        }

        long? lastEventId = server.LastEventIds.ReadEventId(context.Request, streamName);
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (endpointOptions.TopicFromRoute && routeParameters.Length > 0)
        {
            topics.Add(RouteTopicOf(context));
        }
        string? userId = server.Options.UserIdSelector(context.User);

        if (endpointOptions.OnConnecting is { } onConnecting)
        {
            var connecting = new EventStreamConnectingContext(context, streamName, userId, topics);
            await onConnecting(connecting).ConfigureAwait(false);
            if (connecting.RejectedWith is int statusCode)
            {
                Log.ConnectionRejected(server.Logger, streamName, statusCode);
                context.Response.StatusCode = statusCode;
                return;
            }
            userId = connecting.UserId;
        }

        var connection = server.CreateConnection(context, streamName, userId, topics);
        var registry = server.FanOut[streamName];
        try
        {
            // Subscribe before the client hears anything: once its hello arrives, nothing published is missed. It is
            // also before reading the history, so an event published meanwhile is either in the history read or
            // queued, and the writer skips queued ids the replay already covered.
            registry.Add(connection);
            server.Opened(connection);
            try
            {
                await server.StartResponseAsync(context, connection).ConfigureAwait(false);
                var body = context.Response.BodyWriter;
                if (lastEventId is long after && !await ReplayAsync(context, connection, body, after).ConfigureAwait(false))
                {
                    return;
                }
                if (endpointOptions.OnConnected is { } onConnected)
                {
                    await onConnected(connection, connection.Closed).ConfigureAwait(false);
                }
                await connection.WriteQueuedAsync(body).ConfigureAwait(false);
            }
            finally
            {
                registry.Remove(connection);
                connection.Close();
                server.Closed(connection);
            }
        }
        catch (Exception ex) when (EventStreamServer.IsClientGone(context, ex))
        {
        }
    }

    /// <returns>False if the history could not be read; the response then ends and the client retries.</returns>
    private async Task<bool> ReplayAsync(HttpContext context, EventStreamConnection connection, PipeWriter body, long lastEventId)
    {
        HistoryRead read;
        try
        {
            read = await server.History.ReadAfterAsync(streamName, lastEventId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (!EventStreamServer.IsClientGone(context, ex))
        {
            Log.ReplayFailed(server.Logger, ex, streamName, lastEventId, connection.Id);
            return false;
        }
        if (read.Status == HistoryReadStatus.Complete)
        {
            int replayed = 0;
            long unflushed = 0;
            foreach (var streamEvent in read.Events)
            {
                if (!streamEvent.Audience.Includes(connection))
                {
                    continue;
                }
                body.Write(streamEvent.Frame.Span);
                replayed++;
                unflushed += streamEvent.Frame.Length;
                if (unflushed >= ReplayFlushBytes)
                {
                    await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    unflushed = 0;
                }
            }
            server.Metrics.Replayed(streamName, replayed);
            Log.Replayed(server.Logger, streamName, replayed, lastEventId, connection.Id);
        }
        else
        {
            string reason = read.Status == HistoryReadStatus.Gap ? ControlEvents.HistoryGapReason : ControlEvents.UnknownIdReason;
            ControlEvents.WriteReset(body, reason, lastEventId, read.LatestEventId);
            server.Metrics.Reset(streamName);
            Log.ReplayReset(server.Logger, streamName, lastEventId, reason, connection.Id, read.LatestEventId);
        }
        connection.LastWrittenEventId = read.LatestEventId;
        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        return true;
    }

    private string RouteTopicOf(HttpContext context)
    {
        var values = new KeyValuePair<string, string?>[routeParameters.Length];
        for (int i = 0; i < routeParameters.Length; i++)
        {
            values[i] = new(routeParameters[i], context.Request.RouteValues[routeParameters[i]]?.ToString());
        }
        return RouteTopic.Format(values);
    }
}
