using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TypedSse.Runtime.Tests.Infrastructure;

/// <summary>The header a <see cref="HeaderUser"/> scheme reads.</summary>
public sealed class HeaderUserOptions : AuthenticationSchemeOptions
{
    public string Header { get; set; } = HeaderUser.HeaderName;
}

/// <summary>An authentication scheme that signs the request in as the user named by a header (X-User by default).</summary>
public sealed class HeaderUser(IOptionsMonitor<HeaderUserOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<HeaderUserOptions>(options, logger, encoder)
{
    public const string SchemeName = "header";
    public const string HeaderName = "X-User";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[Options.Header] is not [{ Length: > 0 } user])
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], Scheme.Name));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }

    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(SchemeName).AddScheme<HeaderUserOptions, HeaderUser>(SchemeName, null);
        builder.Services.AddAuthorization();
    }

    public static void Use(WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
    }

    public static Action<HttpRequestMessage> As(string user) => request => request.Headers.Add(HeaderName, user);
}
