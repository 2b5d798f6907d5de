using TypedSse.Generator.Diagnostics;
using TypedSse.Generator.Helpers;
using TypedSse.Generator.Model;

namespace TypedSse.Generator.Parsing;

/// <summary>What parsing one contract gives: the model (null when it has errors), its diagnostics, and its stream name.</summary>
public sealed record ContractResult(ContractModel? Contract, EquatableArray<DiagnosticInfo> Diagnostics, StreamNameUse? StreamName);

/// <summary>A contract's claim on a stream name, checked for duplicates across the compilation.</summary>
public sealed record StreamNameUse(string StreamName, string Contract, LocationInfo? Location);
