namespace TypedSse;

/// <summary>
/// What a contract's stream sends, as endpoint metadata: each event's name, documentation and payload. The generated
/// <c>Map…Events</c> adds it to its endpoint, and API description tools (TypedSse.OpenApi) describe the stream's
/// events from it.
/// </summary>
/// <param name="streamName">The stream's name.</param>
/// <param name="events">The contract's events, in declaration order.</param>
public sealed class EventStreamDescription(string streamName, IReadOnlyList<EventDescription> events)
{
    /// <summary>The stream's name.</summary>
    public string StreamName { get; } = streamName;

    /// <summary>The contract's events, in declaration order.</summary>
    public IReadOnlyList<EventDescription> Events { get; } = events;
}

/// <summary>One event of a contract.</summary>
/// <param name="name">The name written in the <c>event:</c> field.</param>
/// <param name="summary">The method's XML doc summary, if any.</param>
/// <param name="parameters">
/// The payload parameters: none sends the empty string, one sends its value as JSON, several send a JSON object keyed
/// by their JSON names.
/// </param>
public sealed class EventDescription(string name, string? summary, IReadOnlyList<EventParameterDescription> parameters)
{
    /// <summary>The name written in the <c>event:</c> field.</summary>
    public string Name { get; } = name;

    /// <summary>The method's XML doc summary, if any.</summary>
    public string? Summary { get; } = summary;

    /// <summary>The payload parameters, in declaration order.</summary>
    public IReadOnlyList<EventParameterDescription> Parameters { get; } = parameters;
}

/// <summary>A payload parameter of an event.</summary>
/// <param name="jsonName">Its key in an object payload: the camelCase parameter name.</param>
/// <param name="type">The parameter's type, as the JSON serializer sees it.</param>
/// <param name="summary">The parameter's XML doc, if any.</param>
/// <param name="isNullable">The parameter may be null (a nullable annotation).</param>
public sealed class EventParameterDescription(string jsonName, Type type, string? summary, bool isNullable)
{
    /// <summary>Its key in an object payload.</summary>
    public string JsonName { get; } = jsonName;

    /// <summary>The parameter's type.</summary>
    public Type Type { get; } = type;

    /// <summary>The parameter's XML doc, if any.</summary>
    public string? Summary { get; } = summary;

    /// <summary>The parameter may be null.</summary>
    public bool IsNullable { get; } = isNullable;
}
