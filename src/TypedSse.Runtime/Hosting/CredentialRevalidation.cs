using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSse.Connections;
using TypedSse.Diagnostics;
using TypedSse.Framing;

namespace TypedSse.Hosting;

/// <summary>
/// Re-runs, every <see cref="TypedSseOptions.RevalidateCredentialsInterval"/>, the authorization of the endpoints a
/// response serves against a principal authenticated afresh from the request's credentials, and ends the response
/// with <c>typedsse:close</c> (<c>credentials-rejected</c>) when they no longer pass: a cookie whose
/// <c>OnValidatePrincipal</c> now rejects it (a changed security stamp), a token on a deny-list, a claim a policy needs
/// that the user lost. The live request cannot be authenticated again (its handlers cache their result and the
/// response has started), so each check runs on a copy of the request: its headers, connection and endpoint, in a
/// service scope of its own.
/// </summary>
internal sealed class CredentialRevalidation : IDisposable
{
    private readonly HttpContext _request;
    private readonly ConnectionOutput _output;
    private readonly Endpoint[] _endpoints;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenRegistration _closed;
    private int _running;

    private CredentialRevalidation(HttpContext request, ConnectionOutput output, Endpoint[] endpoints, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _request = request;
        _output = output;
        _endpoints = endpoints;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((CredentialRevalidation)state!).Tick(), this, interval, interval);
        _closed = output.Closed.UnsafeRegister(static state => ((CredentialRevalidation)state!).Dispose(), this);
    }

    /// <summary>Starts re-validating <paramref name="output"/> until it closes; nothing for endpoints without authorization.</summary>
    public static void Start(HttpContext request, ConnectionOutput output, IEnumerable<Endpoint?> endpoints, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        Endpoint[] distinct = [.. endpoints.OfType<Endpoint>().Distinct()];
        if (distinct.Length > 0)
        {
            _ = new CredentialRevalidation(request, output, distinct, interval, time, logger);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _closed.Dispose();
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) == 0)
        {
            _ = RevalidateAsync();
        }
    }

    private async Task RevalidateAsync()
    {
        try
        {
            foreach (var endpoint in _endpoints)
            {
                var scope = _request.RequestServices.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var copy = await AuthenticatedCopyAsync(scope.ServiceProvider, endpoint).ConfigureAwait(false);
                    if ((await EndpointAuthorization.AuthorizeAsync(copy, endpoint).ConfigureAwait(false)).RefusedWith is int status)
                    {
                        Log.CredentialsRejected(_logger, _request.TraceIdentifier, status);
                        _output.CloseWith(ControlEvents.CredentialsRejectedReason);
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (!_output.Closed.IsCancellationRequested)
        {
            // A failing check (the user store down, say) keeps the stream: it was authorized, and the next check may pass.
            Log.RevalidationFailed(_logger, ex, _request.TraceIdentifier);
        }
        catch (Exception)
        {
            // The response closed meanwhile.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>A copy of the request, authenticated with the default scheme as the authentication middleware does.</summary>
    private async Task<DefaultHttpContext> AuthenticatedCopyAsync(IServiceProvider services, Endpoint endpoint)
    {
        var copy = CopyOfRequest(services, endpoint);
        if (services.GetService<IAuthenticationSchemeProvider>() is { } schemes
            && await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is { } scheme)
        {
            var result = await copy.AuthenticateAsync(scheme.Name).ConfigureAwait(false);
            if (result.Principal is not null)
            {
                copy.User = result.Principal;
            }
            if (result.Succeeded)
            {
                var feature = new AuthenticationResult(result);
                copy.Features.Set<IHttpAuthenticationFeature>(feature);
                copy.Features.Set<IAuthenticateResultFeature>(feature);
            }
        }
        return copy;
    }

    private DefaultHttpContext CopyOfRequest(IServiceProvider services, Endpoint endpoint)
    {
        var source = _request.Request;
        var copy = new DefaultHttpContext { RequestServices = services };
        var request = copy.Request;
        request.Method = source.Method;
        request.Scheme = source.Scheme;
        request.Host = source.Host;
        request.PathBase = source.PathBase;
        request.Path = source.Path;
        request.QueryString = source.QueryString;
        request.Protocol = source.Protocol;
        foreach (var header in source.Headers)
        {
            request.Headers[header.Key] = header.Value;
        }
        var connection = _request.Connection;
        copy.Connection.Id = connection.Id;
        copy.Connection.RemoteIpAddress = connection.RemoteIpAddress;
        copy.Connection.RemotePort = connection.RemotePort;
        copy.Connection.LocalIpAddress = connection.LocalIpAddress;
        copy.Connection.LocalPort = connection.LocalPort;
        copy.Connection.ClientCertificate = connection.ClientCertificate;
        copy.RequestAborted = _output.Closed;
        copy.SetEndpoint(endpoint);
        copy.Features.Set<IRouteValuesFeature>(new RouteValuesFeature { RouteValues = new(_request.Request.RouteValues) });
        return copy;
    }

    private sealed class AuthenticationResult(AuthenticateResult result) : IAuthenticateResultFeature, IHttpAuthenticationFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;

        public ClaimsPrincipal? User
        {
            get => AuthenticateResult?.Principal;
            set => AuthenticateResult = null;
        }
    }
}
