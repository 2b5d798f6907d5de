using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TypedSse.Hosting;

/// <summary>
/// Holds Kestrel's accept loop while the process has as many connections open as its descriptor limit allows, so a
/// flood of connections waits in the kernel's listen backlog instead of being accepted, costing a descriptor each,
/// and only then closed (Kestrel's own <c>MaxConcurrentConnections</c> refuses after the accept). A process that runs
/// out of descriptors fails to load assemblies and read <c>/proc</c>, and .NET aborts it with "Out of memory.".
/// </summary>
internal sealed class AcceptGate(int maxConnections)
{
    private readonly SemaphoreSlim _slots = new(maxConnections, maxConnections);

    /// <summary>The connections the gate counts now.</summary>
    public int Open => maxConnections - _slots.CurrentCount;

    /// <summary>
    /// Wraps every listener factory registered so far (Kestrel's socket transport is, by the time an app adds its
    /// services) in the gate, when TypedSse set Kestrel's <c>MaxConcurrentConnections</c> from the descriptor limit:
    /// see <see cref="TypedSseOptions.LimitKestrelConnectionsToDescriptors"/>. A cap the app set itself is left to
    /// Kestrel.
    /// </summary>
    public static void Install(IServiceCollection services)
    {
        for (int i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IConnectionListenerFactory) || descriptor.IsKeyedService)
            {
                continue;
            }
            services[i] = ServiceDescriptor.Describe(typeof(IConnectionListenerFactory), sp =>
            {
                var inner = (IConnectionListenerFactory)Create(sp, descriptor);
                long? cap = sp.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxConcurrentConnections;
                bool capSetByTypedSse = sp.GetRequiredService<IOptions<TypedSseOptions>>().Value.LimitKestrelConnectionsToDescriptors
                    && cap is not null && cap == DescriptorLimit.DefaultMaxKestrelConnections;
                return capSetByTypedSse ? sp.GetRequiredService<AcceptGate>().Wrap(inner) : inner;
            }, descriptor.Lifetime);
        }
        services.AddSingleton(_ => new AcceptGate((int)Math.Min(int.MaxValue, DescriptorLimit.DefaultMaxKestrelConnections ?? int.MaxValue)));
    }

    private static object Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);

    internal IConnectionListenerFactory Wrap(IConnectionListenerFactory factory) =>
        factory is IConnectionListenerFactorySelector selector ? new SelectingFactory(this, factory, selector) : new Factory(this, factory);

    private class Factory(AcceptGate gate, IConnectionListenerFactory inner) : IConnectionListenerFactory
    {
        public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
            new Listener(gate, await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false));
    }

    private sealed class SelectingFactory(AcceptGate gate, IConnectionListenerFactory inner, IConnectionListenerFactorySelector selector)
        : Factory(gate, inner), IConnectionListenerFactorySelector
    {
        public bool CanBind(EndPoint endpoint) => selector.CanBind(endpoint);
    }

    private sealed class Listener(AcceptGate gate, IConnectionListener inner) : IConnectionListener
    {
        private readonly CancellationTokenSource _unbound = new();

        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
            try
            {
                await gate._slots.WaitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_unbound.IsCancellationRequested)
            {
                return null; // unbound while waiting for a slot: what the inner listener answers once unbound
            }
            ConnectionContext? connection;
            try
            {
                connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                gate._slots.Release();
                throw;
            }
            if (connection is null)
            {
                gate._slots.Release();
                return null;
            }
            // The socket transport signals ConnectionClosed once the socket is disposed, its descriptor with it.
            if (connection.ConnectionClosed.CanBeCanceled)
            {
                connection.ConnectionClosed.UnsafeRegister(static state => ((SemaphoreSlim)state!).Release(), gate._slots);
            }
            else
            {
                gate._slots.Release();
            }
            return connection;
        }

        public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            await _unbound.CancelAsync().ConfigureAwait(false);
            await inner.UnbindAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await _unbound.CancelAsync().ConfigureAwait(false);
            await inner.DisposeAsync().ConfigureAwait(false);
            _unbound.Dispose();
        }
    }
}
