using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TypedSse.Testing;

/// <summary>Records the measurements of one meter of one app instance.</summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (long Count, double Sum)> _totals = new();

    public MetricsRecorder(BackplaneApp instance, string meter)
        : this(instance.MeterFactory, meter)
    {
    }

    /// <param name="scope">The app's meter factory: only its meters are recorded, not those of other instances in the process.</param>
    /// <param name="meter">The meter's name.</param>
    public MetricsRecorder(IMeterFactory scope, string meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meter && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    public long Count(string instrument) => _totals.GetValueOrDefault(instrument).Count;

    public double Sum(string instrument) => _totals.GetValueOrDefault(instrument).Sum;

    private void Add(string instrument, double value) =>
        _totals.AddOrUpdate(instrument, (1, value), (_, total) => (total.Count + 1, total.Sum + value));

    public void Dispose() => _listener.Dispose();
}
