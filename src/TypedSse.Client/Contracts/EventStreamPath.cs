using System.ComponentModel;
using System.Text;

namespace TypedSse.Client;

/// <summary>
/// Fills a route pattern of the app's own (<c>app.MapChatEvents("/room/{room}/events")</c>) with a contract's typed
/// route values, the way the generated <c>Path(route)</c> fills the contract's route: each value already formatted
/// and URL-encoded, a missing optional value leaving out its segment (or, after a period, its extension), and the
/// result relative to the client's base address. Called by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class EventStreamPath
{
    /// <summary>
    /// <paramref name="pattern"/> with each <c>{name}</c> (constraints, defaults, <c>?</c> and <c>*</c> allowed)
    /// replaced by the value of that name in <paramref name="values"/>, a null value leaving out an optional parameter.
    /// </summary>
    /// <param name="pattern">The route pattern the server maps the contract at.</param>
    /// <param name="values">Every route value of the contract by parameter name, formatted and URL-encoded; null when left out.</param>
    /// <exception cref="ArgumentException">The pattern is malformed, names a parameter the contract does not have, or leaves out one it has.</exception>
    public static string Fill(string pattern, IReadOnlyList<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(values);
        var used = new bool[values.Count];
        var path = new StringBuilder();
        var trimmed = pattern.StartsWith("~/", StringComparison.Ordinal) ? pattern.Substring(2) : pattern.TrimStart('/');
        foreach (var segment in trimmed.Split('/'))
        {
            var parts = Parse(pattern, segment);
            if (parts.Count == 0)
            {
                continue;
            }

            var count = parts.Count;
            if (parts[^1] is { Parameter: not null } last && Value(pattern, last, values, used) is null)
            {
                if (!last.Optional)
                {
                    throw Required(pattern, last);
                }

                if (count == 1)
                {
                    continue; // {name?}: the segment goes
                }

                count--;
            }

            path.Append('/');
            for (var i = 0; i < count; i++)
            {
                var part = parts[i];
                if (part.Parameter is null)
                {
                    // {name}.{ext?} without its extension: the period goes with it.
                    path.Append(count < parts.Count && i == count - 1 && part.Literal!.EndsWith('.') ? part.Literal[..^1] : part.Literal);
                }
                else
                {
                    path.Append(Value(pattern, part, values, used) ?? (part.Optional ? string.Empty : throw Required(pattern, part)));
                }
            }
        }

        for (var i = 0; i < used.Length; i++)
        {
            if (!used[i])
            {
                throw new ArgumentException($"The route pattern '{pattern}' does not declare the route parameter {{{values[i].Key}}} of the contract, which chooses the stream's topic: the server's Map… method refuses such a pattern too. Declare it in the pattern.", nameof(pattern));
            }
        }

        return path.Length == 0 ? string.Empty : path.ToString(1, path.Length - 1);
    }

    private static string? Value(string pattern, Part part, IReadOnlyList<KeyValuePair<string, string?>> values, bool[] used)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i].Key, part.Parameter, StringComparison.OrdinalIgnoreCase))
            {
                used[i] = true;
                return values[i].Value;
            }
        }

        throw new ArgumentException($"The route pattern '{pattern}' has the parameter {{{part.Parameter}}}, which the contract's route values do not: write its value into the pattern (for example '/tenants/acme/…' rather than '/tenants/{{tenant}}/…').", nameof(pattern));
    }

    // A segment's literal text and parameters, '{{' and '}}' read as braces.
    private static List<Part> Parse(string pattern, string segment)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if ((c == '{' || c == '}') && i + 1 < segment.Length && segment[i + 1] == c)
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (c == '}')
            {
                throw Malformed(pattern);
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            var end = segment.IndexOf('}', i + 1);
            if (end < 0)
            {
                throw Malformed(pattern);
            }

            if (literal.Length > 0)
            {
                parts.Add(new Part(literal.ToString(), null, false));
                literal.Clear();
            }

            var body = segment.Substring(i + 1, end - i - 1).TrimStart('*');
            var nameEnd = body.IndexOfAny([':', '=', '?']);
            var name = nameEnd < 0 ? body : body.Substring(0, nameEnd);
            if (name.Length == 0)
            {
                throw Malformed(pattern);
            }

            parts.Add(new Part(null, name, body.EndsWith('?') || body.Contains('=')));
            i = end;
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null, false));
        }

        return parts;
    }

    private static ArgumentException Required(string pattern, Part part) =>
        new($"The route pattern '{pattern}' requires {{{part.Parameter}}}, which these route values leave out: give it a value, or make it optional in the pattern ({{{part.Parameter}?}}).", nameof(pattern));

    private static ArgumentException Malformed(string pattern) =>
        new($"The route pattern '{pattern}' is not a route template: give the pattern the server maps the contract at, for example '/room/{{room}}/events'.", nameof(pattern));

    private sealed record Part(string? Literal, string? Parameter, bool Optional);
}
