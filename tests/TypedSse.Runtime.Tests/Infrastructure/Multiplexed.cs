using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TypedSse.Runtime.Tests.Infrastructure;

/// <summary>Reads the multiplexed wire format of docs/protocol.md from events the SseParser oracle parsed.</summary>
public static class Multiplexed
{
    /// <summary>The path of a multiplexed request for these subscriptions.</summary>
    public static string Path(params string[] subscriptions) =>
        "/events?" + string.Join('&', subscriptions.Select(s => "s=" + Uri.EscapeDataString(s)));

    /// <summary>The subscription index and the event's own type of a multiplexed event.</summary>
    public static (int Subscription, string Type) Label(SseItem<string> item)
    {
        int colon = item.EventType.IndexOf(':');
        Assert.True(colon > 0, $"\"{item.EventType}\" is not a subscription's event.");
        return (int.Parse(item.EventType[..colon]), item.EventType[(colon + 1)..]);
    }

    /// <summary>The cursor's entries; null where empty.</summary>
    public static long?[] Cursor(string? id) =>
        (id ?? "").Split(',').Select(entry => entry.Length == 0 ? (long?)null : long.Parse(entry)).ToArray();

    public static JsonElement Subscriptions(SseItem<string> hello) =>
        JsonDocument.Parse(hello.Data).RootElement.GetProperty("subscriptions");
}
