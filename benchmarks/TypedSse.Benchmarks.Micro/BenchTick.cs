using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSse.Benchmarks.Micro;

/// <summary>The load benchmark's event: small JSON, about 60 bytes.</summary>
public sealed record BenchTick(long Seq, long Ts, string Symbol, double Price);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchTick))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
