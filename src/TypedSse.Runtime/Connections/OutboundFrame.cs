namespace TypedSse.Connections;

/// <summary>An entry of a connection's queue: shared frame bytes, and the stream event id they carry (0 for none).</summary>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Frame, long EventId);
