using System.Net.ServerSentEvents;

namespace TypedSse.PostgreSql.Tests.Infrastructure;

public static class EventIds
{
    extension(SseItem<string> item)
    {
        /// <summary>The event's id as the position in the PostgreSQL event log it is, or null when it has none.</summary>
        public long? Id => long.TryParse(item.EventId, out long id) ? id : null;
    }
}
