using Microsoft.AspNetCore.Http;

namespace TypedSse.Hosting;

/// <summary>Serves a per-connection stream: the app's handler writes to this one client until it returns.</summary>
internal sealed class HandlerEndpoint(EventStreamServer server, string streamName, Func<EventStreamResponse, CancellationToken, Task> handler)
{
    private static readonly IReadOnlySet<string> NoTopics = new HashSet<string>();

    public async Task HandleAsync(HttpContext context)
    {
        if (!server.Negotiate(context, streamName))
        {
            return;
        }

        string? lastEventId = server.LastEventIds.ReadCustomId(context.Request, streamName);
        var connection = server.CreateConnection(context, streamName, server.Options.UserIdSelector(context.User), NoTopics);
        try
        {
            server.Opened(connection);
            Task writing = Task.CompletedTask;
            try
            {
                await server.StartResponseAsync(context, connection).ConfigureAwait(false);
                writing = connection.WriteQueuedAsync(context.Response.BodyWriter);
                await handler(new EventStreamResponse(connection, lastEventId, server.Streams.SerializerOptions), connection.Closed).ConfigureAwait(false);
            }
            catch (Exception ex) when (connection.Closed.IsCancellationRequested && ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                // The connection closed under the handler (client gone, slow consumer, shutdown).
            }
            finally
            {
                connection.Close();
                await writing.ConfigureAwait(false);
                server.Closed(connection);
            }
        }
        catch (Exception ex) when (EventStreamServer.IsClientGone(context, ex))
        {
        }
    }
}
