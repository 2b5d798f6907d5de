using System.Globalization;
using StackExchange.Redis;

namespace TypedSse.Redis.Events;

/// <summary>What <see cref="RedisScripts.ReadAfter"/> returns: where a stream stands, and a batch of its events after an id.</summary>
internal sealed record StreamBatch(long FirstId, long LatestId, long PrunedThrough, bool AfterExists, List<StreamEvent> Events)
{
    private const string NameField = "n";
    private const string TopicField = "t";
    private const string UserField = "u";
    private const string ConnectionField = "c";
    private const string DataField = "d";
    private const string TimeField = "ts";

    /// <summary>The reply of the script, or null for a stream that never had an event.</summary>
    public static StreamBatch? Parse(RedisResult result, string stream)
    {
        var parts = (RedisResult[])result!;
        if (parts.Length == 0)
        {
            return null;
        }
        var entries = (RedisResult[])parts[4]!;
        var events = new List<StreamEvent>(entries.Length);
        foreach (var entry in entries)
        {
            var pair = (RedisResult[])entry!;
            events.Add(ReadEntry(stream, (string)pair[0]!, (RedisResult[])pair[1]!));
        }
        return new StreamBatch(Id(parts[0]), Id(parts[1]), Id(parts[2]), (long)parts[3] == 1, events);
    }

    /// <summary>The field/value pairs of an event's entry: its name, audience, payload and publish time.</summary>
    public static List<RedisValue> Fields(TypedSse.History.EventDraft draft, DateTimeOffset now)
    {
        var fields = new List<RedisValue>(12);
        Add(fields, NameField, draft.EventName);
        Add(fields, TopicField, draft.Audience.Topic);
        Add(fields, UserField, draft.Audience.UserId);
        Add(fields, ConnectionField, draft.Audience.ConnectionId);
        fields.Add(DataField);
        fields.Add(draft.Data);
        fields.Add(TimeField);
        fields.Add(Microseconds(now));
        return fields;
    }

    public static long Microseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static void Add(List<RedisValue> fields, string field, string? value)
    {
        if (value is not null)
        {
            fields.Add(field);
            fields.Add(value);
        }
    }

    private static StreamEvent ReadEntry(string stream, string entryId, RedisResult[] values)
    {
        string? name = null;
        ReadOnlyMemory<byte> data = default;
        long micros = 0;
        var audience = new EventAudience();
        for (int i = 0; i + 1 < values.Length; i += 2)
        {
            var value = values[i + 1];
            switch ((string)values[i]!)
            {
                case NameField: name = (string)value!; break;
                case TopicField: audience = audience with { Topic = (string)value! }; break;
                case UserField: audience = audience with { UserId = (string)value! }; break;
                case ConnectionField: audience = audience with { ConnectionId = (string)value! }; break;
                case DataField: data = (byte[])value!; break;
                case TimeField: micros = (long)value; break;
            }
        }
        long id = long.Parse(entryId.AsSpan(0, entryId.IndexOf('-')), NumberStyles.None, CultureInfo.InvariantCulture);
        return new StreamEvent(stream, id, name, data, audience, DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond));
    }

    private static long Id(RedisResult value) => long.Parse((string)value!, NumberStyles.None, CultureInfo.InvariantCulture);
}
