using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSse.Client;

/// <summary>
/// Reads an event's <c>data:</c> the way the server's sender wrote it (docs/protocol.md): one parameter as its JSON
/// value, several as an object keyed by their camelCase names. Types are resolved through the options'
/// <see cref="JsonSerializerOptions.TypeInfoResolver"/> (a <c>JsonSerializerContext</c> under Native AOT), never by
/// reflection of the caller's choosing. Called by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventPayload
{
    /// <summary>The data of a one-parameter event as <typeparamref name="T"/>.</summary>
    public static T Value<T>(string data, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(data, TypeInfo<T>(options))!;

    /// <summary>The data of a several-parameter event as a JSON object.</summary>
    public static JsonElement Object(string data)
    {
        using var document = JsonDocument.Parse(data);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"The event's data is a JSON {document.RootElement.ValueKind}, but its parameters are sent as a JSON object.");
        }

        return document.RootElement.Clone();
    }

    /// <summary>A parameter of a several-parameter event; a missing one is its type's default, as the server never leaves one out.</summary>
    public static T Property<T>(JsonElement payload, string name, JsonSerializerOptions options) =>
        payload.TryGetProperty(name, out var value) ? value.Deserialize(TypeInfo<T>(options))! : default!;

    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) =>
        (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
