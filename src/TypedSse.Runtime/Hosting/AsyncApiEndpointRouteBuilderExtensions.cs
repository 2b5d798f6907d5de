using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TypedSse;
using TypedSse.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the AsyncAPI document that the TypedSse source generator wrote for the app's contracts.</summary>
public static class AsyncApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a GET endpoint that answers the AsyncAPI 3.0 document of the app's event stream contracts as
    /// <c>application/json</c>: a channel per stream, a message per event with its payload schema, and TypedSse's
    /// control messages. The document is made at build time, from the same model as the generated clients; the same
    /// file is written beside the TypeScript clients. What only the running app knows is added when it is served: a
    /// <c>servers</c> entry for the app as the request reached it (scheme, host, path base), and a channel for each
    /// multiplexed endpoint (<c>MapEventStreams</c>) with the events of the streams it can carry, named
    /// <c>&lt;i&gt;:event</c> as on the wire. The endpoint is left out of the OpenAPI description.
    /// </summary>
    /// <param name="endpoints">The app or route group.</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="contracts">The assembly whose contracts to describe; by default the only one with contracts, or else the entry assembly.</param>
    /// <returns>A builder for conventions such as <c>RequireAuthorization()</c>.</returns>
    /// <exception cref="InvalidOperationException">There is no document to serve; the message says why.</exception>
    public static IEndpointConventionBuilder MapAsyncApiDocument(this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern = "/asyncapi.json", Assembly? contracts = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var served = new ServedAsyncApiDocument(AsyncApiDocuments.Get(contracts));
        return endpoints.MapGet(pattern, context =>
            {
                byte[] document = served.For(context.Request, context.RequestServices.GetRequiredService<EndpointDataSource>());
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength = document.Length;
                return context.Response.Body.WriteAsync(document, context.RequestAborted).AsTask();
            })
            .WithDisplayName($"AsyncAPI document at {pattern}")
            .WithMetadata(new ExcludeFromDescriptionAttribute());
    }
}
