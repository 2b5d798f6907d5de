using Microsoft.OpenApi;

namespace TypedSse.OpenApi;

/// <summary>
/// Writes the schema of one item of an event stream, as OpenAPI 3.2's <c>itemSchema</c> would hold it, inside an
/// extension: a JSON Schema (2020-12 keywords, as OpenAPI 3.1 uses) whatever the document's version.
/// </summary>
internal sealed class EventItemSchemaExtension(IOpenApiSchema schema) : IOpenApiExtension
{
    public const string Name = "x-itemSchema";

    public IOpenApiSchema Schema => schema;

    public void Write(IOpenApiWriter writer, OpenApiSpecVersion specVersion) => schema.SerializeAsV31(writer);
}
