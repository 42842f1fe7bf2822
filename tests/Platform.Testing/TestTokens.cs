using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Testing;

/// <summary>Mints Supabase-shaped access tokens the way Supabase Auth does, for tests.</summary>
public sealed class TestTokens(string supabaseUrl, string secret)
{
    public string Issuer => supabaseUrl.TrimEnd('/') + "/auth/v1";

    public string User(Guid userId, string? email = null) => Mint(userId, email ?? $"{userId:N}@test.local");

    public string Admin(Guid userId) => Mint(userId, $"{userId:N}@admin.local", appRole: "admin");

    /// <summary>A Supabase anonymous sign-in: no email, <c>is_anonymous: true</c>, role authenticated.</summary>
    public string AnonymousSignIn(Guid userId) =>
        Mint(userId, null, extraClaims: new Dictionary<string, object> { ["is_anonymous"] = true });

    public string Mint(
        Guid userId,
        string? email,
        string? appRole = null,
        string? issuer = null,
        string audience = "authenticated",
        DateTime? expires = null,
        SigningCredentials? signing = null,
        IDictionary<string, object>? extraClaims = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId.ToString(),
            ["role"] = "authenticated",
            ["aud"] = audience,
            ["session_id"] = Guid.NewGuid().ToString(),
            ["user_metadata"] = new Dictionary<string, object>(),
            ["app_metadata"] = appRole is null
                ? new Dictionary<string, object> { ["provider"] = "email" }
                : new Dictionary<string, object> { ["provider"] = "email", ["role"] = appRole },
        };
        if (email is not null)
        {
            claims["email"] = email;
        }

        foreach (var (key, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[key] = value;
        }

        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Claims = claims,
            Expires = expiry,
            IssuedAt = expiry.AddHours(-1),
            NotBefore = expiry.AddHours(-1),
            SigningCredentials = signing ?? new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with <c>alg: none</c> and no signature, as an attacker would send it.</summary>
    public string Unsigned(Guid userId)
    {
        static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Encode(new { alg = "none", typ = "JWT" }) + "."
            + Encode(new { sub = userId.ToString(), aud = "authenticated", iss = Issuer, exp = now + 3600, iat = now, app_metadata = new { role = "admin" } })
            + ".";
    }

    /// <summary>A fresh RSA key pair for JWKS tests.</summary>
    public static RsaSecurityKey NewRsaKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };
}
