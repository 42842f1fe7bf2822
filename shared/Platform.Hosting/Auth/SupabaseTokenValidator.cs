using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Hosting.Auth;

/// <summary>
/// Verifies a Supabase Auth access token and turns it into a <see cref="Caller"/>. A frontend sends the
/// same token with every request until it refreshes it, so a token that passed is remembered (by its
/// exact text) for up to <see cref="RememberFor"/> and never past its expiry plus the clock skew; a
/// repeat skips the parse and the signature check, which were ~10 % of a list request's CPU.
/// </summary>
public sealed class SupabaseTokenValidator
{
    /// <summary>How long a verified token is answered from memory at most (also bounds how long a key removed from the JWKS keeps working).</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(60);

    /// <summary>How many verified tokens are remembered at most; past it the memory starts again.</summary>
    public const int MaxRemembered = 4096;

    /// <summary>
    /// How much memory the remembered tokens may take at most (their text, two bytes a character, plus an
    /// entry's overhead); past it the memory starts again. A count alone let a client fill 4,096 entries
    /// with tokens as long as the request headers allow (a padded claim), tens of MiB.
    /// </summary>
    public const long MaxRememberedBytes = 4 * 1024 * 1024;

    /// <summary>A verified token longer than this (a Supabase access token is about 1 KB) is checked every time and never held.</summary>
    public const int MaxRememberedTokenLength = 8 * 1024;

    /// <summary>What one remembered entry is counted as besides its token's text (the entry, the caller, its email).</summary>
    private const int EntryOverheadBytes = 256;

    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256,
    };

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SupabaseAuthOptions _options;
    private readonly JwksKeyCache _jwks;
    private readonly TimeProvider _clock;
    private readonly SymmetricSecurityKey? _secret;
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);
    private long _rememberedBytes;

    public SupabaseTokenValidator(SupabaseAuthOptions options, JwksKeyCache jwks, TimeProvider clock)
    {
        _options = options;
        _jwks = jwks;
        _clock = clock;
        _secret = string.IsNullOrEmpty(options.JwtSecret) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.JwtSecret));
    }

    /// <summary>The caller, or the reason the token is refused (safe to show to the client).</summary>
    public async Task<(Caller? Caller, string? Failure)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (_verified.TryGetValue(token, out var verified))
        {
            if (verified.Until > now)
            {
                return (verified.Caller, null);
            }

            if (_verified.TryRemove(new KeyValuePair<string, Verified>(token, verified)))
            {
                Interlocked.Add(ref _rememberedBytes, -Cost(token));
            }
        }

        JsonWebToken parsed;
        try
        {
            parsed = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return (null, "The bearer token is not a well-formed JWT.");
        }

        SecurityKey? key;
        if (parsed.Alg == SecurityAlgorithms.HmacSha256)
        {
            key = _secret;
            if (key is null)
            {
                return (null, "HS256 tokens are not accepted by this deployment.");
            }
        }
        else if (AsymmetricAlgorithms.Contains(parsed.Alg))
        {
            key = await _jwks.FindAsync(parsed.Kid, cancellationToken);
            if (key is null)
            {
                return (null, "The token is signed with an unknown key.");
            }
        }
        else
        {
            return (null, "The token's signing algorithm is not accepted.");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = SupabaseAuthOptions.Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [parsed.Alg],
            ClockSkew = _options.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            LifetimeValidator = ValidateLifetime,
        };

        var result = await _handler.ValidateTokenAsync(parsed, parameters);
        if (!result.IsValid)
        {
            return (null, Describe(result.Exception));
        }

        var subject = parsed.Subject;
        if (!Guid.TryParseExact(subject, "D", out var userId) || userId == Guid.Empty)
        {
            return (null, "The token's subject is not a user id.");
        }

        parsed.TryGetPayloadValue<string>("email", out var email);
        var anonymous = parsed.TryGetPayloadValue<bool>("is_anonymous", out var isAnonymous) && isAnonymous;
        var caller = new Caller(userId, string.IsNullOrEmpty(email) ? null : email, IsAdmin(parsed), SignupRole(parsed), anonymous);
        Remember(token, caller, new DateTimeOffset(parsed.ValidTo, TimeSpan.Zero) + _options.ClockSkew, now);
        return (caller, null);
    }

    /// <summary>Number of tokens remembered now (for tests).</summary>
    internal int RememberedCount => _verified.Count;

    /// <summary>Bytes the remembered tokens are counted as now (for tests).</summary>
    internal long RememberedBytes => Interlocked.Read(ref _rememberedBytes);

    private static long Cost(string token) => (2L * token.Length) + EntryOverheadBytes;

    private void Remember(string token, Caller caller, DateTimeOffset expiresWithSkew, DateTimeOffset now)
    {
        if (token.Length > MaxRememberedTokenLength)
        {
            return;
        }

        var until = expiresWithSkew < now + RememberFor ? expiresWithSkew : now + RememberFor;
        var cost = Cost(token);
        if (_verified.Count >= MaxRemembered || Interlocked.Read(ref _rememberedBytes) + cost > MaxRememberedBytes)
        {
            // Starting again is cheaper than tracking an eviction order; the next requests verify again.
            _verified.Clear();
            Interlocked.Exchange(ref _rememberedBytes, 0);
        }

        if (_verified.TryAdd(token, new Verified(caller, until)))
        {
            Interlocked.Add(ref _rememberedBytes, cost);
        }
    }

    private sealed record Verified(Caller Caller, DateTimeOffset Until);

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return expires is not null
            && expires.Value.Add(parameters.ClockSkew) > now
            && (notBefore is null || notBefore.Value.Subtract(parameters.ClockSkew) <= now);
    }

    private static bool IsAdmin(JsonWebToken token) => MetadataRole(token, "app_metadata") == "admin";

    /// <summary>The role a user picked at sign-up (<c>user_metadata.role</c>); user-editable, so only a default.</summary>
    private static string? SignupRole(JsonWebToken token) => MetadataRole(token, "user_metadata");

    private static string? MetadataRole(JsonWebToken token, string claim)
    {
        if (!token.TryGetPayloadValue<JsonElement>(claim, out var metadata) || metadata.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return metadata.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : null;
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "The token has expired.",
        SecurityTokenInvalidIssuerException => "The token was not issued by this project's Supabase Auth.",
        SecurityTokenInvalidAudienceException => "The token's audience is not 'authenticated'.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is invalid.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        _ => "The token is not valid.",
    };
}
