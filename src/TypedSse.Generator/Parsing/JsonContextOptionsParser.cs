using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using TypedSse.Generator.Diagnostics;

namespace TypedSse.Generator.Parsing;

/// <summary>
/// Reads <c>[JsonSourceGenerationOptions]</c> on a <c>JsonSerializerContext</c> for the settings that change the JSON
/// of a payload away from the web defaults the TypeScript types describe. Which options serialize the payloads is
/// decided at run time (<c>TypedSseOptions.SerializerOptions</c> or the app's <c>JsonOptions</c>), so the generator
/// cannot follow them: it says so.
/// </summary>
internal static class JsonContextOptionsParser
{
    private static readonly string[] NamingPolicies = ["Unspecified", "CamelCase", "SnakeCaseLower", "SnakeCaseUpper", "KebabCaseLower", "KebabCaseUpper"];
    private static readonly string[] IgnoreConditions = ["Never", "Always", "WhenWritingDefault", "WhenWritingNull", "WhenWriting", "WhenReading"];

    public static DiagnosticInfo? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var attribute = context.Attributes.FirstOrDefault();
        if (attribute is null)
        {
            return null;
        }

        var named = attribute.NamedArguments.ToDictionary(static a => a.Key, static a => a.Value);
        var web = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is 1; // JsonSerializerDefaults.Web
        var settings = new List<string>();

        if (named.TryGetValue("PropertyNamingPolicy", out var naming) && naming.Value is int policy)
        {
            if (policy != 1)
            {
                settings.Add("PropertyNamingPolicy = " + Name(NamingPolicies, policy));
            }
        }
        else if (!web)
        {
            settings.Add("no PropertyNamingPolicy (JsonSerializerDefaults.General: names as declared)");
        }

        if (named.TryGetValue("DictionaryKeyPolicy", out var keys) && keys.Value is int keyPolicy and not 0)
        {
            settings.Add("DictionaryKeyPolicy = " + Name(NamingPolicies, keyPolicy));
        }

        foreach (var flag in new[] { "UseStringEnumConverter", "IncludeFields", "IgnoreReadOnlyProperties", "IgnoreReadOnlyFields" })
        {
            if (named.TryGetValue(flag, out var value) && value.Value is true)
            {
                settings.Add(flag + " = true");
            }
        }

        if (named.TryGetValue("DefaultIgnoreCondition", out var ignore) && ignore.Value is int condition and not 0)
        {
            settings.Add("DefaultIgnoreCondition = " + Name(IgnoreConditions, condition));
        }

        if (named.TryGetValue("NumberHandling", out var numbers) && numbers.Value is int handling && (handling & 6) != 0)
        {
            settings.Add("NumberHandling with WriteAsString or AllowNamedFloatingPointLiterals");
        }

        if (named.TryGetValue("Converters", out var converters) && converters.Kind == TypedConstantKind.Array && converters.Values.Length > 0)
        {
            settings.Add("Converters");
        }

        if (settings.Count == 0)
        {
            return null;
        }

        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? LocationInfo.From(context.TargetSymbol);
        return DiagnosticInfo.Create(DiagnosticDescriptors.UnfollowedJsonOptions, location, context.TargetSymbol.Name, string.Join(", ", settings));
    }

    private static string Name(string[] names, int value) => value >= 0 && value < names.Length ? names[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
