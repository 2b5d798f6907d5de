using Microsoft.AspNetCore.Http;

namespace TypedSse.Hosting;

/// <summary>Serves a per-connection stream: the app's handler writes to this one client until it returns.</summary>
internal sealed class HandlerEndpoint(EventStreamServer server, string streamName, Func<EventStreamResponse, CancellationToken, Task> handler)
{
    public Task HandleAsync(HttpContext context)
    {
        if (!server.Negotiate(context, streamName))
        {
            return Task.CompletedTask;
        }

        string? lastEventId = server.LastEventIds.ReadCustomId(context.Request, streamName);
        return server.ServeHandlerAsync(context, streamName, connection =>
            handler(new EventStreamResponse(connection, lastEventId, server.Streams.SerializerOptions), connection.Closed));
    }
}
