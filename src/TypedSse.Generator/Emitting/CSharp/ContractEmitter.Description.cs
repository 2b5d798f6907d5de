using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;
using static TypedSse.Generator.Emitting.CSharp.CSharpNames;

namespace TypedSse.Generator.Emitting.CSharp;

internal static partial class ContractEmitter
{
    // The endpoint's description for API tools: what the stream sends (read by TypedSse.OpenApi), and the contract's
    // XML doc as the endpoint's summary (its first sentence) and description (all of it, when longer), which the app's own WithSummary and WithDescription override.
    private static void WriteDescribe(SourceWriter writer, ContractModel contract)
    {
        writer.WriteLine("private static global::Microsoft.AspNetCore.Builder.IEndpointConventionBuilder Describe(global::Microsoft.AspNetCore.Builder.IEndpointConventionBuilder builder)");
        writer.OpenBlock();
        writer.WriteLine(WithMetadata + "new global::TypedSse.EventStreamDescription(StreamName,");
        writer.Indent();
        writer.WriteLine("[");
        writer.Indent();
        foreach (var @event in contract.Events)
        {
            var parameters = string.Join(", ", @event.Parameters.Select(static p =>
                $"new global::TypedSse.EventParameterDescription({Literal(p.JsonName)}, typeof({p.CSharpTypeOf}), {Optional(p.Documentation)}, {(p.Type.IsNullable ? "true" : "false")})"));
            writer.WriteLine($"new global::TypedSse.EventDescription({Literal(@event.EventName)}, {Optional(@event.Documentation)}, [{parameters}]),");
        }

        writer.Unindent();
        writer.WriteLine("]));");
        writer.Unindent();
        if (contract.Documentation is { Length: > 0 } documentation)
        {
            var summary = FirstSentence(documentation);
            writer.WriteLine($"{WithMetadata}new global::Microsoft.AspNetCore.Http.EndpointSummaryAttribute({Literal(summary)}));");
            if (summary != documentation)
            {
                writer.WriteLine($"{WithMetadata}new global::Microsoft.AspNetCore.Http.EndpointDescriptionAttribute({Literal(documentation)}));");
            }
        }

        writer.WriteLine("return builder;");
        writer.CloseBlock();
    }

    private const string WithMetadata = "global::Microsoft.AspNetCore.Builder.RoutingEndpointConventionBuilderExtensions.WithMetadata(builder, ";

    private static string Optional(string? text) => text is null ? "null" : Literal(text);

    // A summary is one line: the doc's first sentence (up to a period followed by a space), or all of it.
    private static string FirstSentence(string documentation)
    {
        var end = documentation.IndexOf(". ", System.StringComparison.Ordinal);
        return end < 0 ? documentation : documentation.Substring(0, end + 1);
    }
}
