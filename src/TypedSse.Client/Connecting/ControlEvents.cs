using System.Text.Json;

namespace TypedSse.Client;

/// <summary>The TypedSse control events on top of text/event-stream (docs/protocol.md), in one place.</summary>
internal static class ControlEvents
{
    public const string Hello = "typedsse:hello";
    public const string Reset = "typedsse:reset";
    public const string Refused = "typedsse:refused";

    /// <summary>The hello's <c>keepAliveMs</c>, when it has a positive one.</summary>
    public static TimeSpan? KeepAlive(JsonElement hello) =>
        hello.TryGetProperty("keepAliveMs", out var keepAlive) && keepAlive.TryGetInt64(out var ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>A string property, or null when it is missing or not a string.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static EventStreamReset ReadReset(string data)
    {
        using var reset = JsonDocument.Parse(data);
        var root = reset.RootElement;
        return new EventStreamReset(Text(root, "reason") ?? "", Text(root, "lastEventId") ?? "", Text(root, "latestEventId") ?? "");
    }
}
