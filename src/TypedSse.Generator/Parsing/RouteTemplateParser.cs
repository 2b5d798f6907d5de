using System;
using System.Collections.Generic;
using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Validates an ASP.NET Core route template and reads its parameters. The generator cannot reference ASP.NET Core,
/// so this follows the rules of <c>RoutePatternParser</c>, with its error messages where it has one.
/// </summary>
internal static class RouteTemplateParser
{
    /// <summary>Parses <paramref name="template"/>; on failure returns null and sets <paramref name="error"/>.</summary>
    public static RouteModel? Parse(string template, out string? error)
    {
        error = null;
        var parameters = new List<RouteParameterModel>();
        var segmentModels = new List<RouteSegmentModel>();
        var path = template;
        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = path.Substring(2);
        }
        else if (path.StartsWith("/", StringComparison.Ordinal))
        {
            path = path.Substring(1);
        }
        else if (path.StartsWith("~", StringComparison.Ordinal))
        {
            error = "it starts with '~' that is not followed by '/'; start it with '/'";
            return null;
        }

        if (path.Length == 0)
        {
            return new RouteModel(template, EquatableArray<RouteParameterModel>.Empty, EquatableArray<RouteSegmentModel>.Empty);
        }

        var segments = SplitSegments(path, out error);
        if (segments is null)
        {
            return null;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                if (i == segments.Count - 1)
                {
                    break; // a trailing '/'
                }

                error = "the separator '/' appears twice in a row; put a literal or a parameter between them";
                return null;
            }

            var parts = ParseSegment(segment, out error);
            if (parts is null)
            {
                return null;
            }

            error = CheckSegment(segment, parts, isLast: i == segments.Count - 1 || (i == segments.Count - 2 && segments[i + 1].Length == 0));
            if (error is not null)
            {
                return null;
            }

            segmentModels.Add(new RouteSegmentModel(parts.Select(static p => new RoutePartModel(p.Literal, p.Parameter?.Name)).ToEquatableArray()));
            foreach (var part in parts)
            {
                if (part.Parameter is not { } parameter)
                {
                    continue;
                }

                if (parameters.Any(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    error = $"the parameter name '{parameter.Name}' appears more than once; give each parameter its own name";
                    return null;
                }

                parameters.Add(parameter);
            }
        }

        return new RouteModel(template, parameters.ToEquatableArray(), segmentModels.ToEquatableArray());
    }

    // Splits at '/' outside parameters; a '/' inside braces is reported by the parameter name check.
    private static List<string>? SplitSegments(string path, out string? error)
    {
        error = null;
        var segments = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (depth == 0 && c == '{' && i + 1 < path.Length && path[i + 1] == '{')
            {
                i++;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                if (i + 1 < path.Length && path[i + 1] == '}')
                {
                    i++;
                }
                else
                {
                    depth--;
                }
            }
            else if (c == '/' && depth == 0)
            {
                segments.Add(path.Substring(start, i - start));
                start = i + 1;
            }
        }

        segments.Add(path.Substring(start));
        return segments;
    }

    private static List<Part>? ParseSegment(string segment, out string? error)
    {
        error = null;
        var parts = new List<Part>();
        var literal = new System.Text.StringBuilder();
        var i = 0;
        while (i < segment.Length)
        {
            var c = segment[i];
            if (c == '{' && i + 1 < segment.Length && segment[i + 1] == '{')
            {
                literal.Append('{');
                i += 2;
            }
            else if (c == '}')
            {
                if (i + 1 < segment.Length && segment[i + 1] == '}')
                {
                    literal.Append('}');
                    i += 2;
                }
                else
                {
                    error = "it has a '}' without a matching '{'; escape a literal brace as '}}'";
                    return null;
                }
            }
            else if (c == '{')
            {
                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null));
                    literal.Clear();
                }

                var text = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= segment.Length)
                    {
                        error = "a '{' is never closed; close the parameter with '}' or escape a literal brace as '{{'";
                        return null;
                    }

                    if (segment[i] == '}')
                    {
                        if (i + 1 < segment.Length && segment[i + 1] == '}')
                        {
                            text.Append('}');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (segment[i] == '{')
                    {
                        if (i + 1 < segment.Length && segment[i + 1] == '{')
                        {
                            text.Append('{');
                            i += 2;
                            continue;
                        }

                        error = "a parameter contains an unescaped '{'; close the parameter first, or escape a literal brace as '{{'";
                        return null;
                    }

                    text.Append(segment[i]);
                    i++;
                }

                var parameter = ParseParameter(text.ToString(), out error);
                if (parameter is null)
                {
                    return null;
                }

                parts.Add(new Part(null, parameter));
            }
            else if (c == '?')
            {
                error = "it contains '?' outside a parameter; a route template cannot contain a query string";
                return null;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }

        return parts;
    }

    private static RouteParameterModel? ParseParameter(string text, out string? error)
    {
        error = null;
        var isCatchAll = false;
        if (text.StartsWith("**", StringComparison.Ordinal))
        {
            isCatchAll = true;
            text = text.Substring(2);
        }
        else if (text.StartsWith("*", StringComparison.Ordinal))
        {
            isCatchAll = true;
            text = text.Substring(1);
        }

        // The name ends at the first ':' (constraints), '=' (default) or a trailing '?' (optional).
        var nameEnd = 0;
        while (nameEnd < text.Length && text[nameEnd] != ':' && text[nameEnd] != '=')
        {
            nameEnd++;
        }

        var name = text.Substring(0, nameEnd);
        var rest = text.Substring(nameEnd);
        var isOptional = false;
        if (rest.Length == 0 && name.EndsWith("?", StringComparison.Ordinal))
        {
            isOptional = true;
            name = name.Substring(0, name.Length - 1);
        }

        if (name.Length == 0 || name.IndexOfAny(new[] { '{', '}', '/', '?', '*', '=' }) >= 0)
        {
            error = $"the parameter name '{name}' is invalid; a name must be non-empty and cannot contain '{{', '}}', '/', '?', '*' or '='";
            return null;
        }

        var constraints = new List<string>();
        string? defaultValue = null;
        var position = 0;
        while (position < rest.Length && rest[position] == ':')
        {
            // A constraint runs to the next ':' or '=' outside parentheses; its arguments may contain either.
            var start = position + 1;
            var depth = 0;
            position = start;
            while (position < rest.Length)
            {
                var c = rest[position];
                if (c == '(')
                {
                    depth++;
                }
                else if (c == ')' && depth > 0)
                {
                    depth--;
                }
                else if (depth == 0 && (c == ':' || c == '='))
                {
                    break;
                }

                position++;
            }

            var constraint = rest.Substring(start, position - start);
            if (position == rest.Length && depth == 0 && constraint.EndsWith("?", StringComparison.Ordinal))
            {
                isOptional = true;
                constraint = constraint.Substring(0, constraint.Length - 1);
            }

            if (constraint.Length == 0)
            {
                error = $"the parameter '{name}' has an empty constraint; remove the extra ':'";
                return null;
            }

            if (depth != 0)
            {
                error = $"the constraint '{constraint}' of parameter '{name}' has an unclosed '('";
                return null;
            }

            constraints.Add(constraint);
        }

        if (position < rest.Length)
        {
            // rest[position] is '='
            defaultValue = rest.Substring(position + 1);
            if (defaultValue.EndsWith("?", StringComparison.Ordinal))
            {
                error = $"the optional parameter '{name}' has a default value; use either '?' or '=value'";
                return null;
            }
        }

        if (isOptional && isCatchAll)
        {
            error = $"the catch-all parameter '{name}' is marked optional; a catch-all parameter is already optional, remove the '?'";
            return null;
        }

        var kind = KindOf(constraints);
        if (defaultValue is not null && !IsValid(kind, defaultValue))
        {
            error = $"the default value '{defaultValue}' of parameter '{name}' is not a valid {kind.ToString().ToLowerInvariant()}; routing would reject every URL that leaves the parameter out, so give a default that matches its constraint";
            return null;
        }

        return new RouteParameterModel(name, kind, isOptional, isCatchAll, defaultValue, constraints.ToEquatableArray());
    }

    // The constraints of RouteOptions' default ConstraintMap.
    private static readonly HashSet<string> BuiltInConstraints = new(StringComparer.OrdinalIgnoreCase)
    {
        "int", "bool", "datetime", "decimal", "double", "float", "guid", "long", "minlength", "maxlength", "length",
        "min", "max", "range", "alpha", "regex", "required", "file", "nonfile",
    };

    /// <summary>The name of a constraint as written: <c>min(1)</c> → <c>min</c>.</summary>
    public static string ConstraintName(string constraint)
    {
        var parenthesis = constraint.IndexOf('(');
        return parenthesis < 0 ? constraint : constraint.Substring(0, parenthesis);
    }

    public static bool IsBuiltInConstraint(string name) => BuiltInConstraints.Contains(name);

    private static RouteParameterKind KindOf(List<string> constraints)
    {
        foreach (var constraint in constraints)
        {
            switch (constraint.ToLowerInvariant())
            {
                case "int":
                    return RouteParameterKind.Int32;
                case "long":
                    return RouteParameterKind.Int64;
                case "bool":
                    return RouteParameterKind.Boolean;
                case "guid":
                    return RouteParameterKind.Guid;
            }
        }

        return RouteParameterKind.String;
    }

    private static bool IsValid(RouteParameterKind kind, string value) => kind switch
    {
        RouteParameterKind.Int32 => int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        RouteParameterKind.Int64 => long.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _),
        RouteParameterKind.Boolean => bool.TryParse(value, out _),
        RouteParameterKind.Guid => System.Guid.TryParse(value, out _),
        _ => true,
    };

    private static string? CheckSegment(string segment, List<Part> parts, bool isLast)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Parameter is not { } parameter)
            {
                continue;
            }

            if (parameter.IsCatchAll && parts.Count > 1)
            {
                return $"the segment '{segment}' mixes the catch-all parameter '{parameter.Name}' with other text; give it a segment of its own";
            }

            if (parameter.IsCatchAll && !isLast)
            {
                return $"the catch-all parameter '{parameter.Name}' is not in the last segment; move it to the end";
            }

            if (i + 1 < parts.Count && parts[i + 1].Parameter is not null)
            {
                return $"the segment '{segment}' has two consecutive parameters; separate them with '/' or a literal";
            }

            if (parameter.IsOptional && parts.Count > 1)
            {
                if (i != parts.Count - 1)
                {
                    return $"the optional parameter '{parameter.Name}' is not at the end of the segment '{segment}'; move it to the end";
                }

                if (parts[i - 1].Literal is { } previous && !previous.EndsWith(".", StringComparison.Ordinal))
                {
                    return $"the optional parameter '{parameter.Name}' in the segment '{segment}' is preceded by '{previous}'; only a period can precede an optional parameter";
                }
            }
        }

        return null;
    }

    private sealed record Part(string? Literal, RouteParameterModel? Parameter);
}
