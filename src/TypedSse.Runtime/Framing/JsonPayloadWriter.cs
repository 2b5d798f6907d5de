using System.Text.Json;

namespace TypedSse;

/// <summary>
/// Writes an event's JSON payload. Used for payloads the caller shapes itself, such as the object the generated
/// sender writes for a contract method with several parameters.
/// </summary>
/// <param name="writer">The writer to write exactly one JSON value to.</param>
/// <param name="state">The caller's state, passed through without allocation.</param>
/// <param name="options">The stream's serializer options, for serializing nested values.</param>
public delegate void JsonPayloadWriter<in TState>(Utf8JsonWriter writer, TState state, JsonSerializerOptions options);
