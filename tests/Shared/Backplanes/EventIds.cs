using System.Net.ServerSentEvents;

namespace TypedSse.Testing;

public static class EventIds
{
    extension(SseItem<string> item)
    {
        /// <summary>The event's id as a number (a position in the backplane's history), or null when it has none.</summary>
        public long? Id => long.TryParse(item.EventId, out long id) ? id : null;
    }
}
