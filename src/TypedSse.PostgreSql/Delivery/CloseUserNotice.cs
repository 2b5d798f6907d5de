using System.Text;
using System.Text.Json;

namespace TypedSse.PostgreSql.Delivery;

/// <summary>The payload of a sign-out notification: <c>{"user":"…","reason":"…"}</c>.</summary>
internal static class CloseUserNotice
{
    /// <summary>PostgreSQL's limit on a notification's payload.</summary>
    public const int MaxPayloadBytes = 8000;

    public static string Format(string userId, string reason)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("user", userId);
            json.WriteString("reason", reason);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static bool TryParse(string payload, out string userId, out string reason)
    {
        userId = reason = "";
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String
                && root.TryGetProperty("reason", out var why) && why.ValueKind == JsonValueKind.String)
            {
                userId = user.GetString()!;
                reason = why.GetString()!;
                return userId.Length > 0 && reason.Length > 0;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }
}
