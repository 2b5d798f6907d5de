using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TypedSse.OpenApi;

/// <summary>
/// Finishes what needs the whole document, after every operation is described: the security schemes the streams'
/// operations refer to, and the shorter paths of streams whose route values may be left out.
/// </summary>
internal sealed class EventStreamDocumentTransformer : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        await SecurityRequirements.ApplyAsync(document, context.ApplicationServices).ConfigureAwait(false);
        RouteVariants.Apply(document);
    }
}
