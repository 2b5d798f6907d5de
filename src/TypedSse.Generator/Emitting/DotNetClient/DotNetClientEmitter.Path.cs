using System;
using System.Collections.Generic;
using System.Linq;
using TypedSse.Generator.Emitting.CSharp;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;
using static TypedSse.Generator.Emitting.CSharp.CSharpNames;

namespace TypedSse.Generator.Emitting.DotNetClient;

internal static partial class DotNetClientEmitter
{
    // Writes Path(route): the template with each value URL-encoded, relative (no leading '/') so that a base address
    // with a path keeps it. A null optional value leaves out its segment (or, after a period, its extension), as the
    // TypeScript client and ASP.NET Core's link generation do.
    private static void WritePath(SourceWriter writer, ContractModel contract, IReadOnlyList<ContractEmitter.RouteParameter> routeParameters, IReadOnlyList<string> properties)
    {
        var staticPath = string.Join("/", contract.Route.Segments.Select(static s => string.Concat(s.Parts.Select(static p => p.Literal))));
        const string PatternDoc = "/// <param name=\"pattern\">The route pattern the app maps the contract at, when not <see cref=\"Pattern\"/>.</param>";
        if (routeParameters.Count == 0)
        {
            writer.WriteLines($$"""
                /// <summary>The path of the stream, relative to the client's base address.</summary>
                {{PatternDoc}}
                public static string Path(string? pattern = null) =>
                    pattern is null ? {{Literal(staticPath)}} : global::TypedSse.Client.EventStreamPath.Fill(pattern, global::System.Array.Empty<global::System.Collections.Generic.KeyValuePair<string, string?>>());
                """);
            return;
        }

        var values = new Dictionary<string, (ContractEmitter.RouteParameter Parameter, string Access)>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < routeParameters.Count; i++)
        {
            values[routeParameters[i].Model.Name] = (routeParameters[i], "route." + properties[i]);
        }

        writer.WriteLine("/// <summary>The path of the stream with these route values, relative to the client's base address.</summary>");
        writer.WriteLine("/// <param name=\"route\">The route values.</param>");
        writer.WriteLine(PatternDoc);
        writer.OpenBlock("public static string Path(" + RouteTypeOf(contract) + " route, string? pattern = null)");
        writer.OpenBlock("if (pattern is not null)");
        writer.WriteLine("return global::TypedSse.Client.EventStreamPath.Fill(pattern, new global::System.Collections.Generic.KeyValuePair<string, string?>[]");
        writer.OpenBlock();
        for (var i = 0; i < routeParameters.Count; i++)
        {
            var (parameter, access) = values[routeParameters[i].Model.Name];
            var value = parameter.Model.IsOmittable
                ? $"{access} is {{ }} value{Number(i)} ? {Format(parameter, "value" + Number(i))} : null"
                : Format(parameter, access);
            writer.WriteLine($"new({Literal(parameter.Model.Name)}, {value}),");
        }

        writer.Unindent();
        writer.WriteLine("});");
        writer.CloseBlock();
        writer.WriteLine();
        writer.WriteLine("var path = new global::System.Text.StringBuilder();");
        var present = 0;
        foreach (var segment in contract.Route.Segments)
        {
            var parts = segment.Parts;
            var last = parts[parts.Count - 1];
            if (last.Parameter is { } lastName && values[lastName].Parameter.Model.IsOmittable)
            {
                var (parameter, access) = values[lastName];
                var variable = "present" + Number(present++);
                if (parts.Count == 1)
                {
                    writer.OpenBlock($"if ({access} is {{ }} {variable})");
                    writer.WriteLine("path.Append('/');");
                    writer.WriteLine($"path.Append({Format(parameter, variable)});");
                    writer.CloseBlock();
                    continue;
                }

                // {name}.{ext?}: the period goes with the extension.
                writer.WriteLine("path.Append('/');");
                foreach (var part in parts.Take(parts.Count - 2))
                {
                    WritePart(writer, part, values);
                }

                var period = parts[parts.Count - 2].Literal ?? string.Empty;
                var before = period.Substring(0, Math.Max(0, period.Length - 1));
                if (before.Length > 0)
                {
                    writer.WriteLine($"path.Append({Literal(before)});");
                }

                writer.OpenBlock($"if ({access} is {{ }} {variable})");
                writer.WriteLine("path.Append('.');");
                writer.WriteLine($"path.Append({Format(parameter, variable)});");
                writer.CloseBlock();
                continue;
            }

            writer.WriteLine("path.Append('/');");
            foreach (var part in parts)
            {
                WritePart(writer, part, values);
            }
        }

        writer.WriteLine("return path.Length == 0 ? string.Empty : path.ToString(1, path.Length - 1);");
        writer.CloseBlock();
    }

    private static string RouteTypeOf(ContractModel contract) => ClientNames.For(contract).Route;

    private static void WritePart(SourceWriter writer, RoutePartModel part, Dictionary<string, (ContractEmitter.RouteParameter Parameter, string Access)> values)
    {
        if (part.Parameter is { } name)
        {
            var (parameter, access) = values[name];
            writer.WriteLine($"path.Append({Format(parameter, parameter.Model.IsOmittable ? access + (parameter.Model.Kind == RouteParameterKind.String ? " ?? string.Empty" : ".GetValueOrDefault()") : access)});");
        }
        else if (!string.IsNullOrEmpty(part.Literal))
        {
            writer.WriteLine($"path.Append({Literal(part.Literal!)});");
        }
    }

    // A route value as the path spells it; a catch-all keeps its slashes, each of its segments encoded on its own.
    private static string Format(ContractEmitter.RouteParameter parameter, string value) => parameter.Model.Kind switch
    {
        RouteParameterKind.Int32 or RouteParameterKind.Int64 => $"{value}.ToString(global::System.Globalization.CultureInfo.InvariantCulture)",
        RouteParameterKind.Boolean => $"({value} ? \"true\" : \"false\")",
        RouteParameterKind.Guid => $"{value}.ToString(\"D\")",
        _ when parameter.Model.IsCatchAll => $"string.Join(\"/\", global::System.Array.ConvertAll({value}.Split('/'), global::System.Uri.EscapeDataString))",
        _ => $"global::System.Uri.EscapeDataString({value})",
    };
}
