using System.Text;
using System.Text.Json;

namespace TypedSse.History;

/// <summary>
/// The message a backplane carries to the other instances for <see cref="IEventBackplane.CloseUserAsync"/>:
/// <c>{"user":"…","reason":"…"}</c>. Each instance that reads one calls <see cref="IEventSink.CloseUser"/>.
/// </summary>
public static class CloseUserNotice
{
    /// <summary>Writes the notice for <paramref name="userId"/> and <paramref name="reason"/>.</summary>
    /// <param name="userId">The user whose streams end.</param>
    /// <param name="reason">The reason the clients are told in <c>typedsse:close</c>.</param>
    /// <returns>The notice's JSON text.</returns>
    public static string Format(string userId, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(reason);
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

    /// <summary>Reads a notice written by <see cref="Format"/>; false for anything else.</summary>
    /// <param name="notice">The text a backplane received.</param>
    /// <param name="userId">The user whose streams end.</param>
    /// <param name="reason">The reason to tell the clients.</param>
    /// <returns>Whether <paramref name="notice"/> is a notice with a non-empty user and reason.</returns>
    public static bool TryParse(string notice, out string userId, out string reason)
    {
        userId = reason = "";
        try
        {
            using var document = JsonDocument.Parse(notice);
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
