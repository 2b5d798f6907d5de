using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace TypedSse.OpenApi;

/// <summary>
/// The <c>security</c> of each stream operation that requires authorization: a requirement per authentication scheme
/// that can admit its user, each a security scheme of the document. A scheme the document already declares (under
/// the authentication scheme's name) is used as it is; a cookie, JWT bearer or bearer token scheme is declared from
/// its handler; other schemes are left out, and the operation keeps its 401 and 403 responses.
/// </summary>
internal static class SecurityRequirements
{
    private const string JwtBearerHandler = "Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerHandler";
    private const string BearerTokenHandler = "Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenHandler";

    public static async Task ApplyAsync(OpenApiDocument document, IServiceProvider services)
    {
        var declared = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var operation in document.Paths.Values.SelectMany(static p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            if (operation.Metadata?.TryGetValue(StreamAuthentication.MetadataKey, out var value) != true || value is not StreamAuthentication authentication)
            {
                continue;
            }

            var requirements = new List<OpenApiSecurityRequirement>();
            foreach (var scheme in authentication.Schemes)
            {
                if (!declared.TryGetValue(scheme, out var known))
                {
                    declared[scheme] = known = await DeclareAsync(document, scheme, services).ConfigureAwait(false);
                }

                if (known)
                {
                    requirements.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
                }
            }

            if (requirements.Count > 0)
            {
                if (authentication.AllowsAnonymous)
                {
                    requirements.Insert(0, new OpenApiSecurityRequirement());
                }

                operation.Security = requirements;
            }
        }
    }

    private static async Task<bool> DeclareAsync(OpenApiDocument document, string name, IServiceProvider services)
    {
        if (document.Components?.SecuritySchemes?.ContainsKey(name) == true)
        {
            return true;
        }

        if (services.GetService<IAuthenticationSchemeProvider>() is not { } provider
            || await provider.GetSchemeAsync(name).ConfigureAwait(false) is not { } scheme
            || Describe(scheme, services) is not { } description)
        {
            return false;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[name] = description;
        return true;
    }

    private static OpenApiSecurityScheme? Describe(AuthenticationScheme scheme, IServiceProvider services)
    {
        if (typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType))
        {
            var cookie = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(scheme.Name).Cookie.Name;
            return new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = cookie,
                Description = $"The cookie of the {scheme.Name} authentication scheme, set when the user signs in. A browser sends it with the stream's request by itself (across origins, with EventSource's withCredentials).",
            };
        }

        if (DerivesFrom(scheme.HandlerType, JwtBearerHandler) || DerivesFrom(scheme.HandlerType, BearerTokenHandler))
        {
            return new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = DerivesFrom(scheme.HandlerType, JwtBearerHandler) ? "JWT" : null,
                Description = $"A token of the {scheme.Name} authentication scheme in the Authorization header. A browser's EventSource cannot set headers: use a client that can (the TypedSse clients' headers option).",
            };
        }

        return null;
    }

    private static bool DerivesFrom(Type? type, string fullName)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.FullName == fullName)
            {
                return true;
            }
        }

        return false;
    }
}
