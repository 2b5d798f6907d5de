using System;
using System.Collections.Generic;
using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;
using static TypedSse.Generator.Emitting.TypeScript.TypeScriptNames;

namespace TypedSse.Generator.Emitting.TypeScript;

internal static partial class TypeScriptEmitter
{
    /// <summary>The path of a route without parameters.</summary>
    private static string StaticPath(ContractModel contract) =>
        "/" + string.Join("/", contract.Route.Segments.Select(static s => string.Concat(s.Parts.Select(static p => p.Literal))));

    // Writes path(route): the template with each value URL-encoded. An optional value that is absent leaves out its
    // segment (or, after a period, its extension), as ASP.NET Core's own link generation does.
    private static void WritePath(SourceWriter writer, ContractModel contract, ClientNames names)
    {
        if (contract.Route.Parameters.Count == 0)
        {
            return;
        }

        var parameters = contract.Route.Parameters.ToDictionary(static p => p.Name, StringComparer.OrdinalIgnoreCase);
        var fixedParts = new List<string>();
        var conditional = new List<(string Condition, string Value)>();
        foreach (var segment in contract.Route.Segments)
        {
            var parts = segment.Parts;
            var last = parts[parts.Count - 1];
            if (last.Parameter is { } lastName && parameters[lastName].IsOmittable)
            {
                var condition = $"{Access("route", parameters[lastName].Name)} !== undefined";
                if (parts.Count == 1)
                {
                    conditional.Add((condition, Concat(new[] { Literal("/"), Value(parameters[lastName]) })));
                    continue;
                }

                // {name}.{ext?}: the period goes with the extension.
                var head = parts.Take(parts.Count - 2).Select(p => Piece(p, parameters)).ToList();
                var period = parts[parts.Count - 2].Literal ?? string.Empty;
                var before = period.Substring(0, Math.Max(0, period.Length - 1));
                if (conditional.Count > 0)
                {
                    conditional.Add(("true", Concat(new[] { Literal("/") }.Concat(head).Append(Literal(before)))));
                }
                else
                {
                    fixedParts.Add(Literal("/"));
                    fixedParts.AddRange(head);
                    fixedParts.Add(Literal(before));
                }

                conditional.Add((condition, Concat(new[] { Literal("."), Value(parameters[lastName]) })));
                continue;
            }

            var pieces = new[] { Literal("/") }.Concat(parts.Select(p => Piece(p, parameters)));
            if (conditional.Count > 0)
            {
                conditional.Add(("true", Concat(pieces)));
            }
            else
            {
                fixedParts.AddRange(pieces);
            }
        }

        var start = fixedParts.Count == 0 ? Literal(string.Empty) : Concat(fixedParts);
        writer.WriteLine($"function {names.Path}(route: {names.Route}): string {{");
        writer.Indent();
        if (conditional.Count == 0)
        {
            writer.WriteLine($"return {start};");
        }
        else
        {
            writer.WriteLine($"let path = {start};");
            foreach (var (condition, value) in conditional)
            {
                if (condition == "true")
                {
                    writer.WriteLine($"path += {value};");
                }
                else
                {
                    writer.WriteLine($"if ({condition}) {{");
                    writer.WriteLine($"  path += {value};");
                    writer.WriteLine("}");
                }
            }

            writer.WriteLine(fixedParts.Count == 0 ? "return path === \"\" ? \"/\" : path;" : "return path;");
        }

        writer.Unindent();
        writer.WriteLine("}");
        writer.WriteLine();
    }

    private static string Piece(RoutePartModel part, Dictionary<string, RouteParameterModel> parameters) =>
        part.Parameter is { } name ? Value(parameters[name]) : Literal(part.Literal ?? string.Empty);

    // A catch-all keeps its slashes: each of its segments is encoded on its own.
    private static string Value(RouteParameterModel parameter)
    {
        var access = Access("route", parameter.Name);
        var text = RouteType(parameter.Kind) == "string" ? access : $"String({access})";
        return parameter.IsCatchAll
            ? $"{text}.split(\"/\").map(encodeURIComponent).join(\"/\")"
            : $"encodeURIComponent({text})";
    }

    // Joins string expressions with +, merging adjacent literals.
    private static string Concat(IEnumerable<string> pieces)
    {
        var merged = new List<string>();
        foreach (var piece in pieces)
        {
            if (piece == "\"\"")
            {
                continue;
            }

            if (merged.Count > 0 && IsLiteral(piece) && IsLiteral(merged[merged.Count - 1]))
            {
                var previous = merged[merged.Count - 1];
                merged[merged.Count - 1] = previous.Substring(0, previous.Length - 1) + piece.Substring(1);
            }
            else
            {
                merged.Add(piece);
            }
        }

        return merged.Count == 0 ? "\"\"" : string.Join(" + ", merged);
    }

    private static bool IsLiteral(string piece) => piece.Length >= 2 && piece[0] == '"' && piece[piece.Length - 1] == '"' && !piece.Contains("\" + ");
}
