using System.Collections.Generic;
using System.Linq;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;
using static TypedSse.Generator.Emitting.CSharp.CSharpNames;

namespace TypedSse.Generator.Emitting.CSharp;

internal static partial class ContractEmitter
{
    private static void WriteSender(SourceWriter writer, ContractModel contract, ContractNames names)
    {
        var sender = names.SenderClass;
        writer.WriteLines($$"""
            {{GeneratedCode}}
            file sealed class {{sender}} : {{contract.FullyQualifiedName}}
            {
                private readonly global::TypedSse.EventStream _stream;
                private readonly global::TypedSse.EventAudience _audience;

                public {{sender}}(global::TypedSse.EventStream stream, global::TypedSse.EventAudience audience)
                {
                    _stream = stream;
                    _audience = audience;
                }
            """);
        writer.Indent();

        // The payload writers are the sender's only named members besides its fields; an event method calls its
        // writer by simple name, so no parameter may be called like one.
        var members = new UniqueNames()
            .Reserve(["_stream", "_audience", sender])
            .Reserve(contract.Events.SelectMany(static e => e.Parameters.Select(static p => p.Name)))
            .Reserve(contract.Events.Select(static e => e.CancellationTokenParameter).OfType<string>());
        var writers = new List<(EventModel Event, string Name)>();
        foreach (var @event in contract.Events)
        {
            writer.WriteLine();
            string? payloadWriter = null;
            if (@event.PayloadKind == PayloadKind.Object)
            {
                payloadWriter = members.New("Write" + Pascal(@event.MethodName));
                writers.Add((@event, payloadWriter));
            }

            WriteEventMethod(writer, @event, payloadWriter);
        }

        foreach (var (@event, name) in writers)
        {
            writer.WriteLine();
            WritePayloadWriter(writer, @event, name);
        }

        writer.Unindent();
        writer.WriteLine("}");
    }

    private static void WriteEventMethod(SourceWriter writer, EventModel @event, string? payloadWriter)
    {
        var returnType = @event.ReturnKind == EventReturnKind.Task ? "global::System.Threading.Tasks.Task" : "global::System.Threading.Tasks.ValueTask";
        var parameters = @event.Parameters.Select(static p => $"{p.CSharpType} {Identifier(p.Name)}").ToList();
        if (@event.CancellationTokenParameter is { } token)
        {
            parameters.Add($"global::System.Threading.CancellationToken {Identifier(token)}");
        }

        var name = Literal(@event.EventName);
        var tail = @event.CancellationTokenParameter is { } ct ? $"this._audience, {Identifier(ct)}" : "this._audience";
        var publish = @event.PayloadKind switch
        {
            PayloadKind.Empty => $"this._stream.PublishTextAsync({name}, string.Empty, {tail})",
            PayloadKind.Value => $"this._stream.PublishAsync<{@event.Parameters[0].CSharpType}>({name}, {Identifier(@event.Parameters[0].Name)}, {tail})",
            _ => $"this._stream.PublishAsync<{StateType(@event)}>({name}, ({string.Join(", ", @event.Parameters.Select(static p => Identifier(p.Name)))}), {payloadWriter}, {tail})",
        };

        var adapt = @event.ReturnKind == EventReturnKind.Task ? "global::TypedSse.SenderSupport.AsTask" : "global::TypedSse.SenderSupport.AsValueTask";
        writer.WriteLine($"{returnType} {@event.DeclaringInterface}.{Identifier(@event.MethodName)}({string.Join(", ", parameters)}) =>");
        writer.Indent();
        writer.WriteLine($"{adapt}({publish});");
        writer.Unindent();
    }

    // Writes {"user":...,"at":...}: keys are the camelCase parameter names, values use the app's serializer options.
    private static void WritePayloadWriter(SourceWriter writer, EventModel @event, string name)
    {
        writer.WriteLine($"private static void {name}(global::System.Text.Json.Utf8JsonWriter writer, {StateType(@event)} state, global::System.Text.Json.JsonSerializerOptions options)");
        writer.OpenBlock();
        writer.WriteLine("writer.WriteStartObject();");
        for (var i = 0; i < @event.Parameters.Count; i++)
        {
            var parameter = @event.Parameters[i];
            writer.WriteLine($"writer.WritePropertyName({Literal(parameter.JsonName)});");
            writer.WriteLine($"global::System.Text.Json.JsonSerializer.Serialize(writer, state.Item{Number(i + 1)}, (global::System.Text.Json.Serialization.Metadata.JsonTypeInfo<{parameter.CSharpType}>)options.GetTypeInfo(typeof({parameter.CSharpTypeOf})));");
        }

        writer.WriteLine("writer.WriteEndObject();");
        writer.CloseBlock();
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static string StateType(EventModel @event) => "(" + string.Join(", ", @event.Parameters.Select(static p => p.CSharpType)) + ")";
}
