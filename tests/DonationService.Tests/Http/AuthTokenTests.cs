using Microsoft.IdentityModel.Tokens;
using Platform.Testing;

namespace DonationService.Tests.Http;

/// <summary>Bearer tokens: which are accepted, and that every refusal is a 401 problem with a Bearer challenge.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class AuthTokenTests(DonationServiceFixture api)
{
    /// <summary>RSA keys the JWKS endpoint never publishes (generated once: key generation is slow).</summary>
    private static readonly Lazy<SigningCredentials> NeverPublished =
        new(() => new SigningCredentials(TestTokens.NewRsaKey("never-published"), SecurityAlgorithms.RsaSha256));

    private static readonly Lazy<RsaSecurityKey> Impostor = new(() => TestTokens.NewRsaKey("impostor"));

    public static TheoryData<string> RefusedTokens => new()
    {
        "expired beyond the 30 s skew",
        "not valid yet",
        "wrong issuer",
        "wrong audience",
        "HS256 signed with another secret",
        "RS256 with a kid that was never published",
        "RS256 with the published kid but signed by another key",
        "alg none claiming admin",
        "subject that is not a UUID",
        "not a JWT",
        "three empty segments",
        "longer than 16 KiB",
    };

    public static TheoryData<string> RefusedHeaders => new()
    {
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer    ",
        "Token abc",
        "bearer-without-space",
    };

    public static TheoryData<string> OddClaims => new()
    {
        "email with a NUL character",
        "email that is a number",
        "email that is an object",
        "email of 1,000 characters",
        "app_metadata that is a string",
        "app_metadata role that is an array",
        "user_metadata that is a string",
    };

    [Theory]
    [MemberData(nameof(OddClaims))]
    public async Task Signed_token_with_odd_claims_gets_a_profile_or_a_4xx_and_never_admin_rights_or_a_5xx(string kind)
    {
        var token = api.Tokens.Mint(Guid.NewGuid(), "odd@test.local", extraClaims: new Dictionary<string, object>
        {
            [kind.Split(' ')[0]] = kind switch
            {
                "email with a NUL character" => "nul\0@test.local",
                "email that is a number" => 42,
                "email that is an object" => new Dictionary<string, object> { ["address"] = "x@test.local" },
                "email of 1,000 characters" => new string('e', 990) + "@test.local",
                "app_metadata that is a string" => "admin",
                "app_metadata role that is an array" => new Dictionary<string, object> { ["role"] = new[] { "admin" } },
                "user_metadata that is a string" => "donor",
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            },
        });

        using var me = await api.GetAsync("api/profiles/me", token);
        var body = await me.Content.ReadAsStringAsync();
        using var admin = await api.GetAsync("api/admin/profiles", token);

        Assert.True((int)me.StatusCode is 200 or (>= 400 and < 500), api.Describe(me, body, "Expected the profile or a 4xx"));
        if (kind == "email with a NUL character")
        {
            // Never sent to PostgreSQL (text cannot hold NUL): the profile is created without that email.
            Assert.True(me.StatusCode == System.Net.HttpStatusCode.OK, api.Describe(me, body, "Expected the profile, created without the unstorable email"));
        }

        Assert.True((int)admin.StatusCode is 401 or 403, api.Describe(admin, await admin.Content.ReadAsStringAsync(), "Expected no admin rights"));
    }

    [Fact]
    public async Task Hs256_token_signed_with_the_project_secret_returns_200()
    {
        var id = Guid.NewGuid();

        Assert.Equal(id, DonationServiceFixture.IdOf(await api.GetJsonAsync("api/profiles/me", api.Tokens.User(id))));
    }

    [Fact]
    public async Task Rs256_token_signed_with_the_published_jwks_key_returns_200()
    {
        var id = Guid.NewGuid();
        var token = api.Tokens.Mint(id, "rsa@test.local", signing: api.RsaCredentials);

        Assert.Equal(id, DonationServiceFixture.IdOf(await api.GetJsonAsync("api/profiles/me", token)));
        Assert.True(api.Jwks.Fetches >= 1);
    }

    [Fact]
    public async Task Rs256_admin_token_signed_with_the_published_jwks_key_is_an_admin()
    {
        var token = api.Tokens.Mint(Guid.NewGuid(), "rsa-admin@test.local", appRole: "admin", signing: api.RsaCredentials);

        await api.GetJsonAsync("api/admin/profiles?limit=1", token);
    }

    [Fact]
    public async Task Token_expired_within_the_30_s_skew_is_still_accepted()
    {
        var token = api.Tokens.Mint(Guid.NewGuid(), null, expires: DateTime.UtcNow.AddSeconds(-10));

        await api.GetJsonAsync("api/profiles/me", token);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Protected_route_returns_401_with_a_bearer_challenge_for_a_refused_token(string kind)
    {
        var response = await SendWithAuthorizationAsync("api/profiles/me", "Bearer " + RefusedToken(kind));

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Anonymous_route_returns_401_instead_of_reading_as_anonymous_for_a_refused_token(string kind)
    {
        await AssertUnauthorizedAsync(await SendWithAuthorizationAsync("api/donations", "Bearer " + RefusedToken(kind)));
    }

    [Theory]
    [MemberData(nameof(RefusedHeaders))]
    public async Task Protected_route_returns_401_for_an_authorization_header_that_is_not_one_bearer_token(string header)
    {
        await AssertUnauthorizedAsync(await SendWithAuthorizationAsync("api/profiles/me", header));
    }

    [Fact]
    public async Task Protected_route_returns_401_without_a_token()
    {
        await AssertUnauthorizedAsync(await api.GetAsync("api/profiles/me"));
        await AssertUnauthorizedAsync(await api.SendAsync(HttpMethod.Post, "api/donations", null, new { title = "x", category = "books" }));
        await AssertUnauthorizedAsync(await api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{Guid.NewGuid()}/block"));
    }

    [Fact]
    public async Task Protected_route_returns_401_for_two_authorization_headers_even_when_both_are_valid()
    {
        var token = api.Tokens.User(Guid.NewGuid());
        var headers = new[] { "Authorization: Bearer " + token, "Authorization: Bearer " + api.AdminToken() };

        var response = await RawHttp.SendAsync(api.Service.BaseAddress, "GET", "/api/admin/profiles", headers);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Unsigned_token_claiming_admin_returns_401_on_an_admin_route()
    {
        await AssertUnauthorizedAsync(await api.GetAsync("api/admin/profiles", api.Tokens.Unsigned(Guid.NewGuid())));
    }

    [Fact]
    public async Task Admin_route_returns_403_for_a_valid_non_admin_token()
    {
        var user = await api.NewUserAsync("donor");

        await api.AssertProblemAsync(await api.GetAsync("api/admin/profiles", user.Token), 403);
        await api.AssertProblemAsync(
            await api.SendAsync(HttpMethod.Post, $"api/admin/donations/{Guid.NewGuid()}/review", user.Token, new { decision = "approve" }), 403);
        await api.AssertProblemAsync(await api.SendAsync(HttpMethod.Post, $"api/admin/profiles/{user.Id}/block", user.Token), 403);
    }

    private string RefusedToken(string kind)
    {
        var id = Guid.NewGuid();
        var tokens = api.Tokens;
        return kind switch
        {
            "expired beyond the 30 s skew" => tokens.Mint(id, null, expires: DateTime.UtcNow.AddSeconds(-45)),
            "not valid yet" => tokens.Mint(id, null, expires: DateTime.UtcNow.AddHours(2)),
            "wrong issuer" => tokens.Mint(id, null, issuer: "https://evil.example/auth/v1"),
            "wrong audience" => tokens.Mint(id, null, audience: "anon"),
            "HS256 signed with another secret" => new TestTokens(api.Jwks.Url, new string('x', 64)).User(id),
            "RS256 with a kid that was never published" => tokens.Mint(id, null, signing: NeverPublished.Value),
            "RS256 with the published kid but signed by another key" => tokens.Mint(
                id, null, signing: new SigningCredentials(new RsaSecurityKey(Impostor.Value.Rsa) { KeyId = api.RsaKey.KeyId }, SecurityAlgorithms.RsaSha256)),
            "alg none claiming admin" => tokens.Unsigned(id),
            "subject that is not a UUID" => tokens.Mint(id, null, extraClaims: new Dictionary<string, object> { ["sub"] = "user-42" }),
            "not a JWT" => "definitely-not-a-jwt",
            "three empty segments" => "..",
            "longer than 16 KiB" => tokens.Mint(id, null, extraClaims: new Dictionary<string, object> { ["padding"] = new string('p', 17 * 1024) }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private Task<HttpResponseMessage> SendWithAuthorizationAsync(string path, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        return api.Client.SendAsync(request);
    }

    private async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        using var problem = await api.AssertProblemAsync(response, 401);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task An_anonymous_sign_in_reads_but_every_write_is_403_and_changes_nothing()
    {
        var token = api.Tokens.AnonymousSignIn(Guid.NewGuid());
        var body = new { title = "Winter coat", category = "clothing", location = "Berlin" };

        var list = await api.SendAsync(HttpMethod.Get, "api/donations", token);
        var create = await api.ExpectAsync(await api.SendAsync(HttpMethod.Post, "api/donations", token, body), 403);
        var profile = await api.ExpectAsync(await api.SendAsync(HttpMethod.Put, "api/profiles/me", token, new { full_name = "Anon" }), 403);

        Assert.Equal(System.Net.HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("Anonymous sign-ins can read", create.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(create.GetProperty("detail").GetString(), profile.GetProperty("detail").GetString());
    }
}
