using Microsoft.AspNetCore.OpenApi;
using TypedSse.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Describes TypedSse's event streams in the OpenAPI documents of Microsoft.AspNetCore.OpenApi.</summary>
public static class EventStreamOpenApiOptionsExtensions
{
    /// <summary>
    /// Describes every endpoint that TypedSse maps: a stream's route and parameters, the <c>Last-Event-ID</c> it
    /// resumes from, its authorization, its responses (<c>200</c> as <c>text/event-stream</c>, <c>204</c>, <c>429</c>,
    /// <c>503</c>), and the schema of each item of the stream, a union of its events by their <c>event</c> field with
    /// each payload's schema, the same component schemas the rest of the document uses for those types. The item
    /// schema is OpenAPI 3.2's <c>itemSchema</c>; the documents of Microsoft.AspNetCore.OpenApi 10 are OpenAPI 3.0 or
    /// 3.1, so it is written as the extension <c>x-itemSchema</c> there. The multiplexed endpoint
    /// (<c>MapEventStreams</c>) is described with the events of every stream it can carry.
    /// <para>
    /// A stream that requires authorization has a <c>security</c> requirement for each authentication scheme that can
    /// admit its user (those its policies name, or else the default scheme): a security scheme the document already
    /// has under that name (declare yours before calling this), or else one declared from the scheme's handler
    /// (cookie, JWT bearer, bearer token). A stream whose route values may be left out (<c>{sort?}</c>,
    /// <c>{sort=new}</c>) is also at each shorter path, since OpenAPI has no optional path parameter.
    /// </para>
    /// </summary>
    /// <param name="options">The document's options, as in <c>builder.Services.AddOpenApi(options =&gt; options.AddEventStreams())</c>.</param>
    /// <returns>The options, for chaining.</returns>
    public static OpenApiOptions AddEventStreams(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddOperationTransformer(new EventStreamOperationTransformer())
            .AddDocumentTransformer(new EventStreamDocumentTransformer());
    }
}
