using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using TypedSse;
using TypedSse.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps TypedSse stream endpoints.</summary>
public static class EventStreamEndpointRouteBuilderExtensions
{
    private static readonly string[] EventStreamContentTypes = ["text/event-stream"];

    /// <summary>
    /// Maps a GET endpoint that streams the named stream to each client: events published to the stream reach the
    /// connections of their audience, and a reconnecting client gets what it missed from the history.
    /// Route parameters of <paramref name="pattern"/> form the connection's topic (see <see cref="RouteTopic"/>).
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="pattern">The route pattern, for example <c>/rooms/{room}/events</c>.</param>
    /// <param name="streamName">The name of the stream, as used with <see cref="EventStreams"/>.</param>
    /// <param name="configure">Sets per-endpoint hooks.</param>
    /// <returns>A builder for conventions such as <c>RequireAuthorization()</c>.</returns>
    public static IEndpointConventionBuilder MapEventStream(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern,
        string streamName, Action<EventStreamEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var endpointOptions = new EventStreamEndpointOptions();
        configure?.Invoke(endpointOptions);

        var routeParameters = RoutePatternFactory.Parse(pattern).Parameters.Select(p => p.Name).ToArray();
        var endpoint = new StreamEndpoint(GetServer(endpoints), streamName, routeParameters, endpointOptions);
        return Configure(endpoints.MapGet(pattern, endpoint.HandleAsync), $"Event stream '{streamName}' at {pattern}");
    }

    /// <summary>
    /// Maps a GET endpoint where <paramref name="handler"/> writes events to each client itself, with ids of its own
    /// choosing; the stream ends when the handler returns. Keep-alive pings, framing and queueing are handled.
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="handler">Writes to one client; its token is canceled when the client goes away or the app stops.</param>
    /// <returns>A builder for conventions such as <c>RequireAuthorization()</c>.</returns>
    public static IEndpointConventionBuilder MapEventStream(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern,
        Func<EventStreamResponse, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(handler);
        RoutePatternFactory.Parse(pattern);
        var endpoint = new HandlerEndpoint(GetServer(endpoints), pattern, handler);
        return Configure(endpoints.MapGet(pattern, endpoint.HandleAsync), $"Event stream at {pattern}");
    }

    private static IEndpointConventionBuilder Configure(IEndpointConventionBuilder builder, string displayName) =>
        builder
            .WithDisplayName(displayName)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), EventStreamContentTypes))
            .WithMetadata(new DisableRequestTimeoutAttribute());

    private static EventStreamServer GetServer(IEndpointRouteBuilder endpoints) =>
        endpoints.ServiceProvider.GetService<EventStreamServer>() ?? throw new InvalidOperationException(
            "TypedSse is not registered. Call builder.Services.AddTypedSse() before mapping event streams.");
}
