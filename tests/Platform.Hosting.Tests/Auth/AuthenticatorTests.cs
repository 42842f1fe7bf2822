using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Hosting.Auth;
using Platform.Hosting.Http;
using Platform.Hosting.Tests.Support;
using Platform.Testing;

namespace Platform.Hosting.Tests.Auth;

public sealed class AuthenticatorTests
{
    private const string Url = "https://project.supabase.test";
    private static readonly Guid UserId = Guid.Parse("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");

    private readonly TestTokens _tokens = new(Url, TestEnvironment.LocalJwtSecret);
    private readonly Authenticator _auth;

    public AuthenticatorTests()
    {
        _auth = Create(allowAnonymousWrites: false);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task An_anonymous_sign_in_reads_as_the_user_it_is(string method)
    {
        var result = await _auth.RequireUserAsync(RequestAs(method, "Bearer " + _tokens.AnonymousSignIn(UserId)));

        Assert.Equal((UserId, true), (result.Caller!.UserId, result.Caller.IsAnonymousSignIn));
        Assert.False((await _auth.AuthenticateAsync(RequestWith("Bearer " + _tokens.User(UserId)))).Caller!.IsAnonymousSignIn);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task An_anonymous_sign_in_is_403_on_a_write_unless_the_setting_allows_it(string method)
    {
        var token = "Bearer " + _tokens.AnonymousSignIn(UserId);

        var refused = await _auth.AuthenticateAsync(RequestAs(method, token));
        var allowed = await Create(allowAnonymousWrites: true).RequireUserAsync(RequestAs(method, token));

        Assert.Null(refused.Caller);
        Assert.Equal(StatusCodes.Status403Forbidden, refused.Problem!.StatusCode);
        Assert.Contains("Anonymous sign-ins can read", System.Text.Json.JsonSerializer.Serialize(refused.Problem.Body), StringComparison.Ordinal);
        Assert.Equal(UserId, allowed.Caller!.UserId);
    }

    private Authenticator Create(bool allowAnonymousWrites)
    {
        var clock = TimeProvider.System;
        var options = new SupabaseAuthOptions { Url = Url, JwtSecret = TestEnvironment.LocalJwtSecret, AllowAnonymousWrites = allowAnonymousWrites };
        var jwks = new JwksKeyCache(new HttpClient(), options, clock, NullLogger<JwksKeyCache>.Instance);
        return new Authenticator(new SupabaseTokenValidator(options, jwks, clock), options, NullLogger<Authenticator>.Instance);
    }

    [Fact]
    public async Task AuthenticateAsync_returns_anonymous_when_no_authorization_header_is_sent()
    {
        var result = await _auth.AuthenticateAsync(RequestWith());

        Assert.True(result.IsAnonymous);
        Assert.Null(result.Caller);
        Assert.Null(result.Problem);
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("bearer ")]
    public async Task AuthenticateAsync_returns_the_caller_for_a_valid_bearer_token_in_any_scheme_case(string scheme)
    {
        var result = await _auth.AuthenticateAsync(RequestWith(scheme + _tokens.User(UserId)));

        Assert.Equal(UserId, result.Caller!.UserId);
        Assert.Null(result.Problem);
    }

    [Fact]
    public async Task RequireUserAsync_returns_401_with_www_authenticate_when_no_header_is_sent()
    {
        var result = await _auth.RequireUserAsync(RequestWith());

        AssertUnauthorized(result);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Token abc")]
    public async Task AuthenticateAsync_returns_401_for_a_header_that_is_not_one_bearer_token(string header)
    {
        var result = await _auth.AuthenticateAsync(RequestWith(header));

        AssertUnauthorized(result);
    }

    [Fact]
    public async Task AuthenticateAsync_returns_401_when_two_authorization_headers_are_sent()
    {
        var token = _tokens.User(UserId);

        var result = await _auth.AuthenticateAsync(RequestWith("Bearer " + token, "Bearer " + token));

        AssertUnauthorized(result);
    }

    [Fact]
    public async Task AuthenticateAsync_returns_401_for_a_token_longer_than_16_KiB()
    {
        var result = await _auth.AuthenticateAsync(RequestWith("Bearer " + new string('a', 16 * 1024 + 1)));

        AssertUnauthorized(result);
    }

    [Fact]
    public async Task AuthenticateAsync_returns_401_with_the_validator_reason_for_a_bad_token()
    {
        var result = await _auth.AuthenticateAsync(RequestWith("Bearer " + _tokens.Unsigned(UserId)));

        var problem = Assert.IsType<ProblemBody>(AssertUnauthorized(result).Body);
        Assert.Equal("The token's signing algorithm is not accepted.", problem.Detail);
    }

    [Fact]
    public async Task RequireAdminAsync_returns_403_for_a_signed_in_non_admin()
    {
        var result = await _auth.RequireAdminAsync(RequestWith("Bearer " + _tokens.User(UserId)));

        Assert.Null(result.Caller);
        Assert.Equal(StatusCodes.Status403Forbidden, result.Problem!.StatusCode);
    }

    [Fact]
    public async Task RequireAdminAsync_returns_401_when_signed_out()
    {
        var result = await _auth.RequireAdminAsync(RequestWith());

        AssertUnauthorized(result);
    }

    [Fact]
    public async Task RequireAdminAsync_returns_the_admin_caller_for_an_admin_token()
    {
        var result = await _auth.RequireAdminAsync(RequestWith("Bearer " + _tokens.Admin(UserId)));

        Assert.Null(result.Problem);
        Assert.True(result.Caller!.IsAdmin);
    }

    private static ApiResponse AssertUnauthorized(AuthResult result)
    {
        Assert.Null(result.Caller);
        Assert.False(result.IsAnonymous);
        var problem = result.Problem!;
        Assert.Equal(StatusCodes.Status401Unauthorized, problem.StatusCode);
        Assert.Equal("Bearer", problem.Headers["WWW-Authenticate"]);
        return problem;
    }

    private static HttpRequest RequestWith(params string[] authorization) => RequestAs("GET", authorization);

    private static HttpRequest RequestAs(string method, params string[] authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (authorization.Length > 0)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }
}
