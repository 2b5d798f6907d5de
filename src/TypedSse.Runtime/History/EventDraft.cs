namespace TypedSse.History;

/// <summary>An event on its way into the history, before it has an id.</summary>
/// <param name="Stream">The stream's name.</param>
/// <param name="EventName">The <c>event:</c> field, or null for <c>message</c>.</param>
/// <param name="Data">The UTF-8 payload, serialized once.</param>
/// <param name="Audience">Who may receive the event.</param>
public readonly record struct EventDraft(string Stream, string? EventName, ReadOnlyMemory<byte> Data, EventAudience Audience);
