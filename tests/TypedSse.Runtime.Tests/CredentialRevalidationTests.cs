using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TypedSse.Runtime.Tests.Infrastructure;

namespace TypedSse.Runtime.Tests;

/// <summary>
/// With <see cref="TypedSseOptions.RevalidateCredentialsInterval"/>, an open stream's credentials are authenticated
/// afresh on every interval and the endpoint's policies run again: a real cookie handler whose
/// <c>OnValidatePrincipal</c> rejects revoked users (as a security-stamp check does), on a controllable clock.
/// </summary>
public class CredentialRevalidationTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_stream_whose_credentials_are_rejected_at_the_next_check_ends_with_credentials_rejected()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var users = new Users();
        await using var host = await StartAsync(time, users, o => o.RevalidateCredentialsInterval = Interval);
        await CredentialExpiryTests.SignInAsync(host, "ada", time.GetUtcNow() + TimeSpan.FromHours(1));
        await using var client = await host.ConnectAsync("/inbox/events");
        await client.ReadHelloAsync();

        users.Revoked.Add("ada");
        time.Advance(Interval);

        var close = await client.NextAsync();
        Assert.Equal(("typedsse:close", "credentials-rejected"), (close.EventType, CredentialExpiryTests.Reason(close)));
        Assert.True((await client.EndAsync()).Clean);
        Assert.Equal(0, host.Streams.ConnectionCount);
    }

    [Fact]
    public async Task Each_interval_authenticates_afresh_and_a_stream_that_passes_goes_on()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var users = new Users();
        await using var host = await StartAsync(time, users, o => o.RevalidateCredentialsInterval = Interval);
        await CredentialExpiryTests.SignInAsync(host, "ada", time.GetUtcNow() + TimeSpan.FromHours(1));
        await using var client = await host.ConnectAsync("/inbox/events");
        await client.ReadHelloAsync();
        int atConnect = users.Validations("ada");

        for (int check = 1; check <= 3; check++)
        {
            time.Advance(Interval);
            await Wait.UntilAsync(() => users.Validations("ada") == atConnect + check, $"check {check} to authenticate the cookie again");
        }

        await host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));
        Assert.Equal("\"still\"", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task A_multiplexed_response_is_checked_against_each_subscription_endpoints_policy()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var users = new Users();
        await using var host = await StartAsync(time, users, o => o.RevalidateCredentialsInterval = Interval);
        await CredentialExpiryTests.SignInAsync(host, "ada", time.GetUtcNow() + TimeSpan.FromHours(1));
        await using var client = await host.ConnectAsync(Multiplexed.Path("/news/events", "/inbox/events"));
        await client.ReadHelloAsync();

        users.Revoked.Add("ada");
        time.Advance(Interval);

        var close = await client.NextAsync();
        Assert.Equal(("typedsse:close", "credentials-rejected"), (close.EventType, CredentialExpiryTests.Reason(close)));
        Assert.Null(close.EventId);
        Assert.True(await client.EndsAsync());
    }

    [Fact]
    public async Task A_check_that_fails_keeps_the_stream_open()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var users = new Users();
        await using var host = await StartAsync(time, users, o => o.RevalidateCredentialsInterval = Interval);
        await CredentialExpiryTests.SignInAsync(host, "ada", time.GetUtcNow() + TimeSpan.FromHours(1));
        await using var client = await host.ConnectAsync("/inbox/events");
        await client.ReadHelloAsync();
        int atConnect = users.Validations("ada");

        users.StoreDown = true;
        time.Advance(Interval);
        await Wait.UntilAsync(() => users.Validations("ada") > atConnect, "the check to run");

        await host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));
        Assert.Equal("\"still\"", (await client.NextAsync()).Data);
    }

    [Fact]
    public async Task Without_the_option_nothing_is_checked_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var users = new Users();
        await using var host = await StartAsync(time, users);
        await CredentialExpiryTests.SignInAsync(host, "ada", time.GetUtcNow() + TimeSpan.FromHours(1));
        await using var client = await host.ConnectAsync("/inbox/events");
        await client.ReadHelloAsync();
        int atConnect = users.Validations("ada");

        users.Revoked.Add("ada");
        time.Advance(Interval * 5);
        await host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));

        Assert.Equal("\"still\"", (await client.NextAsync()).Data);
        Assert.Equal(atConnect, users.Validations("ada"));
    }

    [Fact]
    public async Task An_interval_under_a_second_fails_at_start_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.RevalidateCredentialsInterval = TimeSpan.FromMilliseconds(100)));
        Assert.Contains("RevalidateCredentialsInterval is 00:00:00.1000000", error.Message);
    }

    /// <summary>The user store behind the cookie: who is revoked, how often each was validated, whether it is reachable.</summary>
    private sealed class Users
    {
        private readonly ConcurrentDictionary<string, int> _validations = new();

        public ConcurrentBag<string> Revoked { get; } = [];

        public volatile bool StoreDown;

        public int Validations(string user) => _validations.GetValueOrDefault(user);

        public Task ValidateAsync(CookieValidatePrincipalContext context)
        {
            string user = context.Principal!.Identity!.Name!;
            _validations.AddOrUpdate(user, 1, static (_, n) => n + 1);
            if (StoreDown)
            {
                throw new InvalidOperationException("The user store is down.");
            }
            if (Revoked.Contains(user))
            {
                context.RejectPrincipal();
            }
            return Task.CompletedTask;
        }
    }

    private static Task<StreamHost> StartAsync(FakeTimeProvider time, Users users, Action<TypedSseOptions>? configure = null) =>
        StreamHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapPost("/login", async (HttpContext context, string user, long expiresAt) =>
                {
                    var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], CookieAuthenticationDefaults.AuthenticationScheme));
                    await context.SignInAsync(principal, new AuthenticationProperties { ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(expiresAt), IsPersistent = true });
                });
                app.MapEventStream("/inbox/events", "inbox").RequireAuthorization();
                app.MapEventStream("/news/events", "news");
                app.MapEventStreams();
            },
            configure,
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie(cookie => cookie.Events.OnValidatePrincipal = users.ValidateAsync);
                builder.Services.AddAuthorization();
            });
}
