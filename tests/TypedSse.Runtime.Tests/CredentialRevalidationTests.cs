using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
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
        await using var ada = await ConnectAdaAsync("/inbox/events", revalidate: true);

        ada.Users.Revoked.Add("ada");
        ada.Time.Advance(Interval);

        var close = await ada.Client.NextAsync();
        Assert.Equal(("typedsse:close", "credentials-rejected"), (close.EventType, CredentialExpiryTests.Reason(close)));
        Assert.True((await ada.Client.EndAsync()).Clean);
        Assert.Equal(0, ada.Host.Streams.ConnectionCount);
    }

    [Fact]
    public async Task Each_interval_authenticates_afresh_and_a_stream_that_passes_goes_on()
    {
        await using var ada = await ConnectAdaAsync("/inbox/events", revalidate: true);
        int atConnect = ada.Users.Validations("ada");

        for (int check = 1; check <= 3; check++)
        {
            ada.Time.Advance(Interval);
            await Wait.UntilAsync(() => ada.Users.Validations("ada") == atConnect + check, $"check {check} to authenticate the cookie again");
        }

        await ada.Host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));
        Assert.Equal("\"still\"", (await ada.Client.NextAsync()).Data);
    }

    [Fact]
    public async Task A_multiplexed_response_is_checked_against_each_subscription_endpoints_policy()
    {
        await using var ada = await ConnectAdaAsync(Multiplexed.Path("/news/events", "/inbox/events"), revalidate: true);

        ada.Users.Revoked.Add("ada");
        ada.Time.Advance(Interval);

        var close = await ada.Client.NextAsync();
        Assert.Equal(("typedsse:close", "credentials-rejected"), (close.EventType, CredentialExpiryTests.Reason(close)));
        Assert.Null(close.EventId);
        Assert.True(await ada.Client.EndsAsync());
    }

    [Fact]
    public async Task A_check_that_fails_keeps_the_stream_open()
    {
        await using var ada = await ConnectAdaAsync("/inbox/events", revalidate: true);
        int atConnect = ada.Users.Validations("ada");

        ada.Users.StoreDown = true;
        ada.Time.Advance(Interval);
        await Wait.UntilAsync(() => ada.Users.Validations("ada") > atConnect, "the check to run");

        await ada.Host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));
        Assert.Equal("\"still\"", (await ada.Client.NextAsync()).Data);
    }

    [Fact]
    public async Task Without_the_option_nothing_is_checked_again()
    {
        await using var ada = await ConnectAdaAsync("/inbox/events", revalidate: false);
        int atConnect = ada.Users.Validations("ada");

        ada.Users.Revoked.Add("ada");
        ada.Time.Advance(Interval * 5);
        await ada.Host.Streams["inbox"].PublishAsync("note", "still", EventAudience.ForUser("ada"));

        Assert.Equal("\"still\"", (await ada.Client.NextAsync()).Data);
        Assert.Equal(atConnect, ada.Users.Validations("ada"));
    }

    [Fact]
    public async Task An_interval_under_a_second_fails_at_start_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StreamHost.StartAsync(app => app.MapEventStream("/events", "s"), o => o.RevalidateCredentialsInterval = TimeSpan.FromMilliseconds(100)));
        Assert.Contains("RevalidateCredentialsInterval is 00:00:00.1000000", error.Message);
    }

    /// <summary>A host over <see cref="Users"/>, ada signed in for an hour, and her stream past its hello.</summary>
    private sealed record Session(FakeTimeProvider Time, Users Users, StreamHost Host, SseClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Host.DisposeAsync();
        }
    }

    private static async Task<Session> ConnectAdaAsync(string path, bool revalidate)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var users = new Users();
        var host = await CredentialExpiryTests.StartCookieHostAsync(time, revalidate ? o => o.RevalidateCredentialsInterval = Interval : null,
            cookie => cookie.Events.OnValidatePrincipal = users.ValidateAsync);
        await CredentialExpiryTests.SignInAsync(host, "ada", time.GetUtcNow() + TimeSpan.FromHours(1));
        var client = await host.ConnectAsync(path);
        await client.ReadHelloAsync();
        return new Session(time, users, host, client);
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
}
