using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FaultInjection;

/// <summary>A user of the load: an id and the Supabase-style access token it calls the APIs with.</summary>
internal sealed record User(Guid Id, string Token, string Kind);

/// <summary>Mints HS256 access tokens the way Supabase Auth (and scripts/mint-token.sh) does.</summary>
internal sealed class Tokens(string supabaseUrl, string secret)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);

    public User NewUser(string kind, string? signupRole = null, bool admin = false)
    {
        var id = Guid.NewGuid();
        return new User(id, Mint(id, $"fault-{kind}-{id.ToString("N")[..8]}@example.com", admin ? "admin" : null, signupRole), kind);
    }

    private string Mint(Guid userId, string email, string? appRole, string? signupRole)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var appMetadata = new Dictionary<string, object> { ["provider"] = "email", ["providers"] = new[] { "email" } };
        if (appRole is not null)
        {
            appMetadata["role"] = appRole;
        }

        var userMetadata = new Dictionary<string, object>();
        if (signupRole is not null)
        {
            userMetadata["role"] = signupRole;
        }

        var payload = new Dictionary<string, object>
        {
            ["iss"] = supabaseUrl.TrimEnd('/') + "/auth/v1",
            ["aud"] = "authenticated",
            ["sub"] = userId.ToString(),
            ["email"] = email,
            ["role"] = "authenticated",
            ["app_metadata"] = appMetadata,
            ["user_metadata"] = userMetadata,
            ["iat"] = now,
            ["exp"] = now + 4 * 3600, // outlives any run
            ["session_id"] = Guid.NewGuid().ToString(),
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""")) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
