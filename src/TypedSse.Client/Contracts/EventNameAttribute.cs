namespace TypedSse;

/// <summary>
/// Overrides the event name of a contract method. Without it the event name is the method name in camelCase.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class EventNameAttribute : Attribute
{
    /// <summary>Sets the event name written in the <c>event:</c> field.</summary>
    /// <param name="name">A non-empty name without CR, LF or a colon.</param>
    public EventNameAttribute(string name) => Name = name;

    /// <summary>The event name written in the <c>event:</c> field.</summary>
    public string Name { get; }
}
