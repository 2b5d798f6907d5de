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
        return MapGet(endpoints, pattern, endpoint.HandleAsync, $"Event stream '{streamName}' at {pattern}",
                new EventStreamEndpointMetadata(EventStreamEndpointKind.Stream, pattern, streamName))
            .WithMetadata(new StreamEndpointMetadata(endpoint));
    }

    /// <summary>
    /// Maps a GET endpoint that carries any number of the app's named streams in one response, so that a browser
    /// holds one connection whatever the number of streams and route values it listens to (browsers allow six
    /// HTTP/1.1 connections per origin). Each <c>s</c> query parameter is a subscription: the path of a stream
    /// endpoint mapped with <c>MapEventStream</c> or a generated <c>Map…Events</c>, such as
    /// <c>/events?s=/rooms/lobby/events&amp;s=/news/events</c>. Every subscription goes through what its own endpoint
    /// applies (route constraints, authorization metadata, <c>OnConnecting</c>); one that is refused is reported to
    /// the client and the others stream on. Ids and replay stay per stream. The wire format is in docs/protocol.md.
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="pattern">The route pattern; the TypeScript client looks for <c>/events</c> by default.</param>
    /// <returns>A builder for conventions such as <c>RequireCors()</c>.</returns>
    public static IEndpointConventionBuilder MapEventStreams(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/events")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        RoutePatternFactory.Parse(pattern);
        var server = GetServer(endpoints);
        var directory = new StreamDirectory(
            endpoints.ServiceProvider.GetRequiredService<EndpointDataSource>(),
            endpoints.ServiceProvider.GetRequiredService<ParameterPolicyFactory>());
        var endpoint = new MultiplexedEndpoint(server, directory, pattern);
        return MapGet(endpoints, pattern, endpoint.HandleAsync, $"Multiplexed event streams at {pattern}",
            new EventStreamEndpointMetadata(EventStreamEndpointKind.Multiplexed, pattern, streamName: null));
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
        return MapGet(endpoints, pattern, endpoint.HandleAsync, $"Event stream at {pattern}",
            new EventStreamEndpointMetadata(EventStreamEndpointKind.Handler, pattern, streamName: null));
    }

    // The handler's method is what API Explorer looks for to describe an endpoint (OpenAPI's WithTags, WithSummary,
    // ExcludeFromDescription and the rest apply through it); a RequestDelegate endpoint lacks it otherwise. A lambda's
    // method, so that the default tag is the app's name, as for the app's own minimal API endpoints.
    private static IEndpointConventionBuilder MapGet(IEndpointRouteBuilder endpoints, string pattern, RequestDelegate handler, string displayName,
        EventStreamEndpointMetadata metadata)
    {
        RequestDelegate described = context => handler(context);
        return endpoints.MapGet(pattern, described)
            .WithDisplayName(displayName)
            .WithMetadata(described.Method, metadata)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void), EventStreamContentTypes))
            .WithMetadata(new DisableRequestTimeoutAttribute());
    }

    private static EventStreamServer GetServer(IEndpointRouteBuilder endpoints) =>
        endpoints.ServiceProvider.GetService<EventStreamServer>() ?? throw new InvalidOperationException(
            "TypedSse is not registered. Call builder.Services.AddTypedSse() before mapping event streams.");
}
