using Microsoft.CodeAnalysis;
using System.Linq;
using TypedSse.Generator.Helpers;

namespace TypedSse.Generator.Diagnostics;

/// <summary>A diagnostic waiting to be reported: descriptor, equatable location and message arguments, all equatable.</summary>
public sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
        new(descriptor, location, messageArgs.ToEquatableArray());

    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(compilation), MessageArgs.Select(static arg => (object)arg).ToArray());
}
