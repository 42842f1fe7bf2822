using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using Platform.Hosting.Auth;
using Platform.Hosting.Tests.Support;
using Platform.Testing;

namespace Platform.Hosting.Tests.Auth;

/// <summary>HS256 (legacy secret) tokens; the asymmetric path is covered by <see cref="JwksKeyCacheTests"/>.</summary>
public sealed class SupabaseTokenValidatorTests
{
    private const string Url = "https://project.supabase.test";
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid UserId = Guid.Parse("6f1c2b9e-8a4d-4c7b-9e2f-1a2b3c4d5e6f");

    private readonly ManualClock _clock = new(Now);
    private readonly TestTokens _tokens = new(Url, TestEnvironment.LocalJwtSecret);

    [Fact]
    public async Task ValidateAsync_returns_caller_with_id_and_email_for_a_valid_token()
    {
        var (caller, failure) = await Validator().ValidateAsync(Token(), CancellationToken.None);

        Assert.Null(failure);
        Assert.NotNull(caller);
        Assert.Equal(UserId, caller.UserId);
        Assert.Equal("ann@example.test", caller.Email);
        Assert.False(caller.IsAdmin);
        Assert.Null(caller.SignupRole);
    }

    [Fact]
    public async Task ValidateAsync_marks_caller_admin_when_app_metadata_role_is_admin()
    {
        var (caller, _) = await Validator().ValidateAsync(Token(appRole: "admin"), CancellationToken.None);

        Assert.True(caller!.IsAdmin);
    }

    [Fact]
    public async Task ValidateAsync_takes_signup_role_from_user_metadata_without_granting_admin()
    {
        var donor = Token(extra: new() { ["user_metadata"] = new Dictionary<string, object> { ["role"] = "donor" } });
        var selfMadeAdmin = Token(extra: new() { ["user_metadata"] = new Dictionary<string, object> { ["role"] = "admin" } });

        var (asDonor, _) = await Validator().ValidateAsync(donor, CancellationToken.None);
        var (asSelfMadeAdmin, _) = await Validator().ValidateAsync(selfMadeAdmin, CancellationToken.None);

        Assert.Equal("donor", asDonor!.SignupRole);
        Assert.False(asSelfMadeAdmin!.IsAdmin);
    }

    [Fact]
    public async Task ValidateAsync_refuses_a_token_expired_longer_ago_than_the_clock_skew()
    {
        var token = Token(expires: Now.AddSeconds(-31));

        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token has expired.", failure);
    }

    [Fact]
    public async Task ValidateAsync_accepts_a_token_expired_within_the_clock_skew()
    {
        var token = Token(expires: Now.AddSeconds(-20));

        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(failure);
        Assert.Equal(UserId, caller!.UserId);
    }

    [Fact]
    public async Task ValidateAsync_refuses_a_token_once_the_clock_passes_expiry_plus_skew()
    {
        var validator = Validator();
        var token = Token(expires: Now.AddMinutes(1));
        Assert.NotNull((await validator.ValidateAsync(token, CancellationToken.None)).Caller);

        _clock.Advance(TimeSpan.FromSeconds(91));

        Assert.Equal("The token has expired.", (await validator.ValidateAsync(token, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task ValidateAsync_refuses_a_token_from_another_issuer()
    {
        var token = Token(issuer: "https://other.supabase.test/auth/v1");

        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token was not issued by this project's Supabase Auth.", failure);
    }

    [Fact]
    public async Task ValidateAsync_refuses_a_token_for_another_audience()
    {
        var token = Token(audience: "anon");

        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token's audience is not 'authenticated'.", failure);
    }

    [Fact]
    public async Task ValidateAsync_refuses_a_token_signed_with_another_secret()
    {
        var otherKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-secret-that-is-also-at-least-32-characters"));
        var token = Token(signing: new SigningCredentials(otherKey, SecurityAlgorithms.HmacSha256));

        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token's signature is invalid.", failure);
    }

    [Fact]
    public async Task ValidateAsync_refuses_a_token_whose_payload_was_altered()
    {
        var parts = Token().Split('.');
        var forged = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"email\"", "\"emaix\"", StringComparison.Ordinal));

        var (caller, _) = await Validator().ValidateAsync($"{parts[0]}.{forged}.{parts[2]}", CancellationToken.None);

        Assert.Null(caller);
    }

    [Fact]
    public async Task ValidateAsync_refuses_an_unsigned_alg_none_token()
    {
        var (caller, failure) = await Validator().ValidateAsync(_tokens.Unsigned(UserId), CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token's signing algorithm is not accepted.", failure);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("{6f1c2b9e-8a4d-4c7b-9e2f-1a2b3c4d5e6f}")]
    public async Task ValidateAsync_refuses_a_subject_that_is_not_a_user_id(string subject)
    {
        var token = Token(extra: new() { ["sub"] = subject });

        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token's subject is not a user id.", failure);
    }

    [Fact]
    public async Task ValidateAsync_refuses_hs256_when_no_secret_is_configured()
    {
        var (caller, failure) = await Validator(secret: null).ValidateAsync(Token(), CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("HS256 tokens are not accepted by this deployment.", failure);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b")]
    public async Task ValidateAsync_refuses_text_that_is_not_a_jwt(string token)
    {
        var (caller, failure) = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The bearer token is not a well-formed JWT.", failure);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires_even_within_the_memory_window()
    {
        var validator = Validator();
        var token = Token(expires: Now.AddSeconds(10));
        Assert.NotNull((await validator.ValidateAsync(token, CancellationToken.None)).Caller);

        _clock.Advance(TimeSpan.FromSeconds(39));
        Assert.NotNull((await validator.ValidateAsync(token, CancellationToken.None)).Caller);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var (caller, failure) = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token has expired.", failure);
    }

    [Fact]
    public async Task A_repeated_token_is_answered_from_memory_with_the_same_caller()
    {
        var validator = Validator();
        var token = Token(appRole: "admin");

        var (first, _) = await validator.ValidateAsync(token, CancellationToken.None);
        var (second, _) = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Same(first, second);
        Assert.True(second!.IsAdmin);
        Assert.Equal(1, validator.RememberedCount);
    }

    [Fact]
    public async Task A_token_is_checked_again_after_the_memory_window()
    {
        var validator = Validator();
        var token = Token();
        var (first, _) = await validator.ValidateAsync(token, CancellationToken.None);

        _clock.Advance(SupabaseTokenValidator.RememberFor + TimeSpan.FromSeconds(1));
        var (second, failure) = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Null(failure);
        Assert.NotSame(first, second);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Refused_tokens_are_not_remembered_and_a_forged_copy_of_a_remembered_one_is_refused()
    {
        var validator = Validator();
        var token = Token();
        Assert.NotNull((await validator.ValidateAsync(token, CancellationToken.None)).Caller);
        var parts = token.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        var (caller, failure) = await validator.ValidateAsync(forged, CancellationToken.None);

        Assert.Null(caller);
        Assert.Equal("The token's signature is invalid.", failure);
        Assert.Equal(1, validator.RememberedCount);
    }

    [Fact]
    public async Task The_memory_is_bounded()
    {
        var validator = Validator();
        for (var i = 0; i < SupabaseTokenValidator.MaxRemembered + 10; i++)
        {
            var (caller, failure) = await validator.ValidateAsync(Token(extra: new() { ["n"] = i }), CancellationToken.None);
            Assert.True(caller is not null, $"token {i}: {failure}");
        }

        Assert.InRange(validator.RememberedCount, 1, SupabaseTokenValidator.MaxRemembered);
    }

    [Fact]
    public async Task The_memory_is_bounded_in_bytes_whatever_the_tokens_carry()
    {
        var validator = Validator();
        var padding = new string('p', 5 * 1024);
        for (var i = 0; i < 1000; i++)
        {
            var (caller, failure) = await validator.ValidateAsync(Token(extra: new() { ["n"] = i, ["pad"] = padding }), CancellationToken.None);
            Assert.True(caller is not null, $"token {i}: {failure}");
        }

        Assert.InRange(validator.RememberedBytes, 1, SupabaseTokenValidator.MaxRememberedBytes);
        Assert.InRange(validator.RememberedCount, 1, 999);
    }

    [Fact]
    public async Task A_token_longer_than_any_real_one_is_verified_but_never_held()
    {
        var validator = Validator();
        var token = Token(extra: new() { ["pad"] = new string('p', SupabaseTokenValidator.MaxRememberedTokenLength) });

        var (caller, _) = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.NotNull(caller);
        Assert.Equal(0, validator.RememberedCount);
        Assert.Equal(0, validator.RememberedBytes);
    }

    private SupabaseTokenValidator Validator(string? secret = TestEnvironment.LocalJwtSecret)
    {
        var options = new SupabaseAuthOptions { Url = Url, JwtSecret = secret };
        var jwks = new JwksKeyCache(new HttpClient(), options, _clock, NullLogger<JwksKeyCache>.Instance);
        return new SupabaseTokenValidator(options, jwks, _clock);
    }

    private string Token(
        string? appRole = null,
        DateTimeOffset? expires = null,
        string? issuer = null,
        string audience = "authenticated",
        SigningCredentials? signing = null,
        Dictionary<string, object>? extra = null) =>
        _tokens.Mint(UserId, "ann@example.test", appRole, issuer, audience, (expires ?? Now.AddHours(1)).UtcDateTime, signing, extra);
}
