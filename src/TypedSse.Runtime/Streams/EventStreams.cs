using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TypedSse.Diagnostics;
using TypedSse.History;
using TypedSse.Streams;

namespace TypedSse;

/// <summary>The app's named streams. Inject it to publish; streams are created on first use.</summary>
public sealed class EventStreams
{
    private readonly ConcurrentDictionary<string, EventStream> _streams = new(StringComparer.Ordinal);
    private readonly EventFanOut _fanOut;
    private readonly IEventBackplane _backplane;
    private readonly IEventHistory _history;
    private readonly TypedSseMetrics _metrics;

    internal EventStreams(EventFanOut fanOut, IEventBackplane backplane, IEventHistory history, TypedSseMetrics metrics,
        IOptions<TypedSseOptions> options, IOptions<JsonOptions> jsonOptions)
    {
        _fanOut = fanOut;
        _backplane = backplane;
        _history = history;
        _metrics = metrics;
        SerializerOptions = options.Value.SerializerOptions ?? jsonOptions.Value.SerializerOptions;
    }

    /// <summary>The options payloads are serialized with.</summary>
    public JsonSerializerOptions SerializerOptions { get; }

    /// <summary>The stream called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is null or empty.</exception>
    public EventStream this[string name]
    {
        get
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            return _streams.GetOrAdd(name, static (key, self) =>
                new EventStream(key, self._fanOut[key], self._backplane, self._history, self.SerializerOptions, self._metrics), this);
        }
    }
}
