using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TypedSse.Connections;
using TypedSse.Diagnostics;
using TypedSse.Framing;
using TypedSse.History;

namespace TypedSse.Hosting;

/// <summary>
/// Serves a named stream at its route, and admits it as a subscription of a multiplexed response: the same hooks,
/// topics and replay either way.
/// </summary>
internal sealed class StreamEndpoint(EventStreamServer server, string streamName, string[] routeParameters, EventStreamEndpointOptions endpointOptions)
{
    private const int ReplayFlushBytes = 64 * 1024;

    public string StreamName => streamName;

    public EventStreamEndpointOptions Options => endpointOptions;

    public async Task HandleAsync(HttpContext context)
    {
        if (!server.Negotiate(context, streamName))
        {
            return;
        }

        long? lastEventId = server.LastEventIds.ReadEventId(context.Request, streamName);
        var request = await AdmitAsync(context, context.Request.Path, context.Request.RouteValues, lastEventId).ConfigureAwait(false);
        if (request.Admitted is null)
        {
            context.Response.StatusCode = request.RefusedWith;
            return;
        }
        await server.ServeAsync(context, [request], multiplexed: false).ConfigureAwait(false);
    }

    /// <summary>Runs the endpoint's admission: the route topic, the user id and the <c>OnConnecting</c> hook.</summary>
    public async ValueTask<SubscriptionRequest> AdmitAsync(HttpContext context, string path, RouteValueDictionary routeValues, long? lastEventId)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (endpointOptions.TopicFromRoute && routeParameters.Length > 0)
        {
            topics.Add(RouteTopicOf(routeValues));
        }
        string? userId = server.Options.UserIdSelector(context.User);

        if (endpointOptions.OnConnecting is { } onConnecting)
        {
            var connecting = new EventStreamConnectingContext(context, streamName, userId, topics, routeValues);
            await onConnecting(connecting).ConfigureAwait(false);
            if (connecting.RejectedWith is int statusCode)
            {
                Log.ConnectionRejected(server.Logger, streamName, statusCode);
                return SubscriptionRequest.Refuse(path, statusCode);
            }
            userId = connecting.UserId;
        }
        return new SubscriptionRequest(path, new AdmittedSubscription(this, routeValues, userId, topics, lastEventId), 0);
    }

    /// <summary>
    /// Replays to a subscription what it missed after <paramref name="lastEventId"/>, or tells it to resync. The
    /// connection is already registered, so every later event is queued and the writer skips what this covered.
    /// </summary>
    /// <returns>False if the history could not be read; the response then ends and the client retries.</returns>
    public async Task<bool> ReplayAsync(ConnectionOutput output, EventStreamConnection connection, long lastEventId, CancellationToken cancellationToken)
    {
        HistoryRead read;
        try
        {
            read = await server.History.ReadAfterAsync(streamName, lastEventId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!EventStreamServer.IsClientGone(output.HttpContext, ex))
        {
            Log.ReplayFailed(server.Logger, ex, streamName, lastEventId, connection.Id);
            return false;
        }
        int subscription = connection.Subscription;
        int replayed = 0;
        long unflushed = 0;
        if (read.Status == HistoryReadStatus.Complete)
        {
            foreach (var streamEvent in read.Events)
            {
                await ReplayEventAsync(streamEvent).ConfigureAwait(false);
            }
            if (read.More is { } more)
            {
                try
                {
                    await foreach (var streamEvent in more.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        await ReplayEventAsync(streamEvent).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!EventStreamServer.IsClientGone(output.HttpContext, ex))
                {
                    await output.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    Log.ReplayFailed(server.Logger, ex, streamName, lastEventId, connection.Id);
                    return false;
                }
            }
            // Events of the read that were not for this connection are behind it too.
            output.SetPosition(subscription, Math.Max(output.Positions[subscription], read.LatestEventId));
            server.Metrics.Replayed(streamName, replayed);
            Log.Replayed(server.Logger, streamName, replayed, lastEventId, connection.Id);
        }
        else
        {
            string reason = read.Status == HistoryReadStatus.Gap ? ControlEvents.HistoryGapReason : ControlEvents.UnknownIdReason;
            output.WriteReset(subscription, reason, lastEventId, read.LatestEventId);
            server.Metrics.Reset(streamName);
            Log.ReplayReset(server.Logger, streamName, lastEventId, reason, connection.Id, read.LatestEventId);
        }
        await output.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        return true;

        async ValueTask ReplayEventAsync(StreamEvent streamEvent)
        {
            if (!streamEvent.Audience.Includes(connection))
            {
                return;
            }
            int written = output.WriteEvent(subscription, streamEvent);
            if (written == 0)
            {
                return;
            }
            replayed++;
            unflushed += written;
            if (unflushed >= ReplayFlushBytes)
            {
                await output.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                unflushed = 0;
            }
        }
    }

    private string RouteTopicOf(RouteValueDictionary routeValues)
    {
        var values = new KeyValuePair<string, string?>[routeParameters.Length];
        for (int i = 0; i < routeParameters.Length; i++)
        {
            values[i] = new(routeParameters[i], routeValues[routeParameters[i]]?.ToString());
        }
        return RouteTopic.Format(values);
    }
}
