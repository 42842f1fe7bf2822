using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Hosting.Auth;

/// <summary>Verifies a Supabase Auth access token and turns it into a <see cref="Caller"/>.</summary>
public sealed class SupabaseTokenValidator
{
    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256,
    };

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SupabaseAuthOptions _options;
    private readonly JwksKeyCache _jwks;
    private readonly TimeProvider _clock;
    private readonly SymmetricSecurityKey? _secret;

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
        return (new Caller(userId, string.IsNullOrEmpty(email) ? null : email, IsAdmin(parsed), SignupRole(parsed)), null);
    }

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
