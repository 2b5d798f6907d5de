using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSse;

namespace TypedSse.TestApp;

/// <summary>What happens in a room.</summary>
[EventStream("/rooms/{room}/events")]
public interface IRoomEvents
{
    /// <summary>A tick, with where it came from.</summary>
    Task Ticked(Tick tick, string source);
}

/// <summary>A numbered tick.</summary>
public sealed record Tick(int Count, IReadOnlyList<string> Labels);

/// <summary>The payload types, serialized without reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Tick))]
[JsonSerializable(typeof(string))]
internal sealed partial class TestAppJson : JsonSerializerContext;
