using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using Moq;
using Moq.Protected;
using Platform.Hosting.Auth;
using Platform.Hosting.Tests.Support;
using Platform.Testing;

namespace Platform.Hosting.Tests.Auth;

/// <summary>RS256 tokens verified with keys from a JWKS endpoint played by a mocked HTTP handler.</summary>
public sealed class JwksKeyCacheTests
{
    private const string Url = "https://project.supabase.test";
    private const string UnknownKey = "The token is signed with an unknown key.";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid UserId = Guid.Parse("0b6d1e52-3c1a-4f0e-8d7a-5e4f3a2b1c0d");

    private readonly ManualClock _clock = new(Now);
    private readonly TestTokens _tokens = new(Url, TestEnvironment.LocalJwtSecret);
    private readonly List<RsaSecurityKey> _published = [];
    private readonly Mock<HttpMessageHandler> _handler = new(MockBehavior.Strict);
    private readonly SupabaseTokenValidator _validator;

    public JwksKeyCacheTests()
    {
        _handler.Protected()
            .Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .ReturnsAsync(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Jwks()) });
        var options = new SupabaseAuthOptions { Url = Url };
        var cache = new JwksKeyCache(new HttpClient(_handler.Object), options, _clock, NullLogger<JwksKeyCache>.Instance);
        _validator = new SupabaseTokenValidator(options, cache, _clock);
    }

    [Fact]
    public async Task Token_signed_with_a_published_key_is_accepted_and_fetched_from_the_jwks_uri()
    {
        var key = Publish("key-1");

        var (caller, failure) = await ValidateAsync(key);

        Assert.Null(failure);
        Assert.Equal(UserId, caller!.UserId);
        _handler.Protected().Verify("SendAsync", Times.Once(),
            ItExpr.Is<HttpRequestMessage>(r => r.RequestUri == new Uri(Url + "/auth/v1/.well-known/jwks.json")), ItExpr.IsAny<CancellationToken>());
    }

    [Fact]
    public async Task Repeated_validations_reuse_the_cached_keys()
    {
        var key = Publish("key-1");

        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull((await ValidateAsync(key)).Caller);
        }

        Assert.Equal(1, Fetches());
    }

    [Fact]
    public async Task Concurrent_first_validations_share_one_fetch()
    {
        var key = Publish("key-1");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ValidateAsync(key)));

        Assert.All(results, r => Assert.NotNull(r.Caller));
        Assert.Equal(1, Fetches());
    }

    [Fact]
    public async Task Unknown_kid_after_the_min_interval_triggers_one_refetch_that_finds_a_rotated_key()
    {
        Assert.NotNull((await ValidateAsync(Publish("key-1"))).Caller);
        var rotated = Publish("key-2");
        _clock.Advance(TimeSpan.FromSeconds(31));

        Assert.NotNull((await ValidateAsync(rotated)).Caller);
        Assert.NotNull((await ValidateAsync(rotated)).Caller);

        Assert.Equal(2, Fetches());
    }

    [Fact]
    public async Task Unknown_kids_within_the_min_interval_cause_at_most_one_refetch()
    {
        Assert.NotNull((await ValidateAsync(Publish("key-1"))).Caller);
        _clock.Advance(TimeSpan.FromSeconds(31));

        var first = await ValidateAsync(TestTokens.NewRsaKey("unpublished-a"));
        _clock.Advance(TimeSpan.FromSeconds(5));
        var second = await ValidateAsync(TestTokens.NewRsaKey("unpublished-b"));

        Assert.Equal(UnknownKey, first.Failure);
        Assert.Equal(UnknownKey, second.Failure);
        Assert.Equal(2, Fetches());
    }

    [Fact]
    public async Task Keys_are_fetched_again_after_the_cache_duration()
    {
        var key = Publish("key-1");
        await ValidateAsync(key);

        _clock.Advance(TimeSpan.FromMinutes(11));
        await ValidateAsync(key);

        Assert.Equal(2, Fetches());
    }

    [Fact]
    public async Task Failing_jwks_endpoint_yields_an_unknown_key_reason_without_throwing()
    {
        SetupJwksResponse(() => new HttpResponseMessage(HttpStatusCode.InternalServerError));

        var (caller, failure) = await ValidateAsync(Publish("key-1"));

        Assert.Null(caller);
        Assert.Equal(UnknownKey, failure);
    }

    [Fact]
    public async Task Unreachable_jwks_endpoint_yields_an_unknown_key_reason_without_throwing()
    {
        _handler.Protected()
            .Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .ThrowsAsync(new HttpRequestException("connection refused"));

        var (caller, failure) = await ValidateAsync(Publish("key-1"));

        Assert.Null(caller);
        Assert.Equal(UnknownKey, failure);
    }

    [Fact]
    public async Task Jwks_endpoint_returning_garbage_yields_an_unknown_key_reason_without_throwing()
    {
        SetupJwksResponse(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>oops</html>") });

        var (caller, failure) = await ValidateAsync(Publish("key-1"));

        Assert.Null(caller);
        Assert.Equal(UnknownKey, failure);
    }

    [Fact]
    public async Task Cached_keys_stay_usable_when_a_later_refresh_fails()
    {
        var key = Publish("key-1");
        Assert.NotNull((await ValidateAsync(key)).Caller);
        SetupJwksResponse(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        _clock.Advance(TimeSpan.FromMinutes(11));

        var (caller, failure) = await ValidateAsync(key);

        Assert.Null(failure);
        Assert.NotNull(caller);
        Assert.Equal(2, Fetches());
    }

    private void SetupJwksResponse(Func<HttpResponseMessage> response) =>
        _handler.Protected()
            .Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .ReturnsAsync(response);

    private RsaSecurityKey Publish(string keyId)
    {
        var key = TestTokens.NewRsaKey(keyId);
        _published.Add(key);
        return key;
    }

    private Task<(Caller? Caller, string? Failure)> ValidateAsync(RsaSecurityKey signingKey) =>
        _validator.ValidateAsync(
            _tokens.Mint(UserId, "rs@example.test", expires: Now.AddHours(1).UtcDateTime, signing: new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256)),
            CancellationToken.None);

    private int Fetches() => _handler.Invocations.Count(i => i.Method.Name == "SendAsync");

    private string Jwks() => JsonSerializer.Serialize(new
    {
        keys = _published.Select(k =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(k.Rsa.ExportParameters(false)) { KeyId = k.KeyId });
            return new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E };
        }),
    });
}
