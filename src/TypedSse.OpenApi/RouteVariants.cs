using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace TypedSse.OpenApi;

/// <summary>
/// The shorter paths at which a stream with omittable route values (<c>{sort?}</c>, <c>{sort=new}</c>,
/// <c>{*rest}</c>, <c>{name}.{ext?}</c>) is also mapped. OpenAPI has no optional path parameter, so each such path is
/// a path of its own in the document, with a copy of the stream's operation less the parameters it leaves out.
/// </summary>
/// <param name="Variants">From the longest to the shortest; empty when every route value is needed.</param>
internal sealed record RouteVariants(IReadOnlyList<RouteVariant> Variants)
{
    /// <summary>The key of the operation's metadata (not written to the document) that holds them.</summary>
    public const string MetadataKey = "typedsse:route-variants";

    /// <summary>The variants of the pattern a stream was mapped with (a route group's prefix comes before it).</summary>
    public static RouteVariants Of(string pattern)
    {
        var route = RoutePatternFactory.Parse(pattern);
        var segments = route.PathSegments;
        var variants = new List<RouteVariant>();
        var omitted = new List<RoutePatternParameterPart>();
        for (var i = segments.Count - 1; i >= 0; i--)
        {
            var parts = segments[i].Parts;
            if (parts is [RoutePatternParameterPart single] && IsOmittable(single))
            {
                omitted.Insert(0, single);
                variants.Add(new RouteVariant(segments.Count - i, null, [.. omitted]));
                continue;
            }

            // {name}.{ext?}: the period goes with the extension.
            if (parts.Count >= 3 && parts[^1] is RoutePatternParameterPart { IsOptional: true } extension && parts[^2] is RoutePatternSeparatorPart)
            {
                omitted.Insert(0, extension);
                variants.Add(new RouteVariant(segments.Count - i, Text(parts.Take(parts.Count - 2)), [.. omitted]));
            }

            break;
        }

        return new RouteVariants(variants);
    }

    /// <summary>A URL may leave the parameter out: it is optional, a catch-all, or has a default.</summary>
    public static bool IsOmittable(RoutePatternParameterPart parameter) =>
        parameter.IsOptional || parameter.IsCatchAll || parameter.Default is not null;

    /// <summary>
    /// Adds each variant's path to the document beside the stream's own, unless the document has that path already
    /// (another endpoint mapped there).
    /// </summary>
    public static void Apply(OpenApiDocument document)
    {
        foreach (var (path, item) in document.Paths.ToList())
        {
            foreach (var (method, operation) in item.Operations?.ToList() ?? [])
            {
                if (operation.Metadata?.TryGetValue(MetadataKey, out var value) != true || value is not RouteVariants { Variants.Count: > 0 } routes)
                {
                    continue;
                }

                var segments = path.Split('/');
                foreach (var variant in routes.Variants)
                {
                    if (variant.Trimmed > segments.Length - 1)
                    {
                        continue;
                    }

                    var kept = segments.Take(segments.Length - variant.Trimmed).ToList();
                    if (variant.LastSegment is { } last)
                    {
                        kept.Add(last);
                    }

                    var shorter = kept.Count <= 1 ? "/" : string.Join('/', kept);
                    if (document.Paths.Keys.Any(p => Templated(p) == Templated(shorter)))
                    {
                        continue;
                    }

                    document.Paths[shorter] = new OpenApiPathItem { Operations = new() { [method] = Without(operation, variant) } };
                }
            }
        }
    }

    private static OpenApiOperation Without(OpenApiOperation operation, RouteVariant variant)
    {
        var names = variant.Omitted.Select(static p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var left = string.Join(", ", variant.Omitted.Select(static p => p.Default is { } value ? $"{{{p.Name}}} (the route takes its default, {value})" : $"{{{p.Name}}}"));
        return new OpenApiOperation(operation)
        {
            OperationId = operation.OperationId is { } id ? id + "_without_" + string.Join('_', variant.Omitted.Select(static p => p.Name)) : null,
            Description = (operation.Description is { } description ? description + "\n\n" : string.Empty) + $"This path leaves out {left}.",
            Parameters = operation.Parameters?.Where(p => p.In != ParameterLocation.Path || p.Name is null || !names.Contains(p.Name)).ToList(),
            Metadata = operation.Metadata?.Where(static m => m.Key != MetadataKey).ToDictionary(),
        };
    }

    private static string Text(IEnumerable<RoutePatternPart> parts) => string.Concat(parts.Select(static part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternSeparatorPart separator => separator.Content,
        RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
        _ => string.Empty,
    }));

    // Paths that differ only in their parameters' names are the same path to OpenAPI.
    private static string Templated(string path) => Regex.Replace(path, "{[^}]*}", "{}");
}

/// <summary>A shorter path: the stream's own less its last <paramref name="Trimmed"/> segments, then <paramref name="LastSegment"/> if any.</summary>
internal sealed record RouteVariant(int Trimmed, string? LastSegment, IReadOnlyList<RoutePatternParameterPart> Omitted);
