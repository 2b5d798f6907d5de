using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace TypedSse.OpenApi;

/// <summary>
/// The schemas of event payloads, from the document's own schema service: a type that the document names (a
/// record, a class) is a reference to its component schema, the one the rest of the document uses for it.
/// </summary>
internal sealed class PayloadSchemas(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
{
    private readonly OpenApiOptions _options = context.ApplicationServices.GetRequiredService<IOptionsMonitor<OpenApiOptions>>().Get(context.DocumentName);
    private readonly HttpJsonOptions _json = context.ApplicationServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value;

    /// <summary>The schema of an event's <c>data</c> field: empty, one value as JSON, or an object of its parameters as JSON.</summary>
    public async Task<IOpenApiSchema> EventDataAsync(EventDescription @event)
    {
        switch (@event.Parameters.Count)
        {
            case 0:
                return new OpenApiSchema { Const = string.Empty, Description = "The event has no payload: its data is empty." };
            case 1:
                return EventItems.Json(await ValueAsync(@event.Parameters[0]).ConfigureAwait(false));
            default:
                var payload = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = @event.Parameters.Select(static p => p.JsonName).ToHashSet(StringComparer.Ordinal),
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                };
                foreach (var parameter in @event.Parameters)
                {
                    payload.Properties[parameter.JsonName] = await ValueAsync(parameter).ConfigureAwait(false);
                }

                return EventItems.Json(payload);
        }
    }

    private async Task<IOpenApiSchema> ValueAsync(EventParameterDescription parameter)
    {
        IOpenApiSchema schema = await context.GetOrCreateSchemaAsync(parameter.Type, null, cancellationToken).ConfigureAwait(false);
        if (context.Document is { } document && _options.CreateSchemaReferenceId(_json.SerializerOptions.GetTypeInfo(parameter.Type)) is { } id)
        {
            document.AddComponent(id, schema);
            schema = new OpenApiSchemaReference(id, document);
        }

        if (parameter.IsNullable && !parameter.Type.IsValueType)
        {
            schema = new OpenApiSchema { AnyOf = [schema, new OpenApiSchema { Type = JsonSchemaType.Null }] };
        }

        if (parameter.Summary is { } summary)
        {
            schema = schema is OpenApiSchema inline && inline.Description is null
                ? Described(inline, summary)
                : new OpenApiSchema { Description = summary, AllOf = [schema] };
        }

        return schema;
    }

    private static OpenApiSchema Described(OpenApiSchema schema, string description)
    {
        schema.Description = description;
        return schema;
    }
}
