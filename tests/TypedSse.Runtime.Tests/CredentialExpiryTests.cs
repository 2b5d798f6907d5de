using System.Net;
using System.Net.ServerSentEvents;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>
/// A stream outlives the request that authorized it: when the credentials it was opened with expire, it ends with a
/// <c>typedsse:close</c>, and nothing published afterwards reaches it. Real cookie and JWT bearer handlers; the
/// runtime's clock is a <see cref="FakeTimeProvider"/> started at the real time, so the handlers (which use the
/// system clock) accept the credentials while the test moves the runtime's clock past their expiry.
/// </summary>
public class CredentialExpiryTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_stream_opened_with_a_cookie_ends_when_the_cookie_expires_and_gets_nothing_published_after()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartCookieHostAsync(time);
        await SignInAsync(host, "ada", time.GetUtcNow() + Lifetime);

        await using var client = await host.ConnectAsync("/inbox/events");
        Assert.Equal(HttpStatusCode.OK, client.Response.StatusCode);
        await client.ReadHelloAsync();
        await host.Streams["inbox"].PublishAsync("note", "before", EventAudience.ForUser("ada"));
        Assert.Equal("\"before\"", (await client.NextAsync()).Data);

        time.Advance(Lifetime);
        await host.Streams["inbox"].PublishAsync("note", "after", EventAudience.ForUser("ada"));

        var close = await client.NextAsync();
        Assert.Equal("typedsse:close", close.EventType);
        Assert.Equal("credentials-expired", Reason(close));
        Assert.True((await client.EndAsync()).Clean);
        Assert.DoesNotContain(client.Received, e => e.Data.Contains("after"));
    }

    [Fact]
    public async Task A_multiplexed_connection_ends_as_a_whole_with_a_connection_level_close()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartCookieHostAsync(time);
        await SignInAsync(host, "ada", time.GetUtcNow() + Lifetime);

        await using var client = await host.ConnectAsync(Multiplexed.Path("/inbox/events", "/news/events"));
        var hello = await client.ReadHelloAsync();
        time.Advance(Lifetime);

        var close = await client.NextAsync();
        Assert.Equal("typedsse:close", close.EventType);
        Assert.Null(close.EventId);
        Assert.True(await client.EndsAsync());
        Assert.Equal(0, host.Streams.ConnectionCount);
    }

    [Fact]
    public async Task A_stream_opened_with_a_jwt_ends_at_its_exp_and_a_fresh_token_resumes_without_loss()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("a test signing key of at least 256 bits, for HS256"));
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapEventStream("/inbox/events", "inbox").RequireAuthorization();
            },
            build: builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
                {
                    jwt.MapInboundClaims = false;
                    jwt.TokenValidationParameters = new TokenValidationParameters
                    {
                        ValidateIssuer = false,
                        ValidateAudience = false,
                        IssuerSigningKey = key,
                        NameClaimType = "sub",
                        ClockSkew = TimeSpan.Zero,
                    };
                });
                builder.Services.AddAuthorization();
            });
        string Token(string user) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", user)]),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = time.GetUtcNow().UtcDateTime + Lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        Action<HttpRequestMessage> Bearer(string token) => request => request.Headers.Authorization = new("Bearer", token);

        var inbox = host.Streams["inbox"];
        await using var first = await host.ConnectAsync("/inbox/events", configure: Bearer(Token("ada")));
        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        await first.ReadHelloAsync();
        await inbox.PublishAsync("note", 1, EventAudience.ForUser("ada"));
        var seen = await first.NextAsync();

        time.Advance(Lifetime);
        var close = await first.NextAsync();
        Assert.Equal(("typedsse:close", "credentials-expired"), (close.EventType, Reason(close)));
        Assert.True(await first.EndsAsync());
        Assert.Equal(seen.EventId, first.LastEventId); // the close carries no id: the client resumes from its last event

        await inbox.PublishAsync("note", 2, EventAudience.ForUser("ada"));
        await inbox.PublishAsync("note", 3, EventAudience.ForUser("ada"));
        await using var second = await host.ConnectAsync("/inbox/events", first.LastEventId, Bearer(Token("ada")));
        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);
        await second.ReadHelloAsync();
        Assert.Equal(["2", "3"], (await second.TakeAsync(2)).Select(e => e.Data));
    }

    [Fact]
    public async Task Expiry_can_be_turned_off()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StartCookieHostAsync(time, o => o.CloseWhenCredentialsExpire = false);
        await SignInAsync(host, "ada", time.GetUtcNow() + Lifetime);
        await using var client = await host.ConnectAsync("/inbox/events");
        await client.ReadHelloAsync();

        time.Advance(Lifetime * 2);
        await host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));
        Assert.Equal("\"still\"", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task A_multiplexed_subscription_authenticated_by_a_scheme_of_its_own_ends_the_response_when_that_ticket_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await StreamHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapPost("/login", async (HttpContext context, string scheme, long expiresAt) =>
                {
                    var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ada")], scheme));
                    await context.SignInAsync(scheme, principal, new AuthenticationProperties
                    {
                        ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(expiresAt),
                        IsPersistent = true,
                    });
                });
                app.MapEventStream("/inbox/events", "inbox").RequireAuthorization();
                app.MapEventStream("/admin/events", "admin")
                    .RequireAuthorization(new AuthorizationPolicyBuilder("admin").RequireAuthenticatedUser().Build());
                app.MapEventStreams();
            },
            build: builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie().AddCookie("admin");
                builder.Services.AddAuthorization();
            });
        foreach (var (scheme, lifetime) in new[] { (CookieAuthenticationDefaults.AuthenticationScheme, Lifetime * 6), ("admin", Lifetime) })
        {
            using var login = await host.Client.PostAsync($"/login?scheme={scheme}&expiresAt={(time.GetUtcNow() + lifetime).ToUnixTimeMilliseconds()}", null);
            login.EnsureSuccessStatusCode();
        }

        await using var client = await host.ConnectAsync(Multiplexed.Path("/inbox/events", "/admin/events"));
        Assert.Equal(HttpStatusCode.OK, client.Response.StatusCode);
        await client.ReadHelloAsync();
        time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        await host.Streams["inbox"].PublishAsync("note", "before", EventAudience.ForUser("ada"));
        Assert.EndsWith("\"before\"", (await client.NextAsync()).Data);

        time.Advance(TimeSpan.FromSeconds(1));
        var close = await client.NextAsync();
        Assert.Equal(("typedsse:close", "credentials-expired"), (close.EventType, Reason(close)));
        Assert.True(await client.EndsAsync());
    }

    internal static string Reason(SseItem<string> close) => JsonDocument.Parse(close.Data).RootElement.GetProperty("reason").GetString()!;

    internal static Task<StreamHost> StartCookieHostAsync(FakeTimeProvider time, Action<TypedSseOptions>? configure = null,
        Action<CookieAuthenticationOptions>? cookie = null) =>
        StreamHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapPost("/login", async (HttpContext context, string user, long expiresAt) =>
                {
                    var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme));
                    await context.SignInAsync(principal, new AuthenticationProperties
                    {
                        ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(expiresAt),
                        IsPersistent = true,
                    });
                });
                app.MapEventStream("/inbox/events", "inbox").RequireAuthorization();
                app.MapEventStream("/news/events", "news");
                app.MapEventStreams();
            },
            configure,
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options => cookie?.Invoke(options));
                builder.Services.AddAuthorization();
            });

    internal static async Task SignInAsync(StreamHost host, string user, DateTimeOffset expiresAt)
    {
        using var response = await host.Client.PostAsync($"/login?user={user}&expiresAt={expiresAt.ToUnixTimeMilliseconds()}", null);
        response.EnsureSuccessStatusCode();
    }
}
