using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Testing;

/// <summary>
/// Plays Supabase Auth's JWKS endpoint (<c>/auth/v1/.well-known/jwks.json</c>) on a loopback port,
/// so that services under test verify asymmetric tokens against a real HTTP endpoint.
/// </summary>
public sealed class LocalJwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RsaSecurityKey> _keys = [];
    private int _fetches;

    private LocalJwksServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Use as SUPABASE_URL: the issuer is <c>{Url}/auth/v1</c>.</summary>
    public string Url { get; }

    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<LocalJwksServer> StartAsync()
    {
        var port = TestEnvironment.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new LocalJwksServer(app, $"http://127.0.0.1:{port}");
        app.MapGet("/auth/v1/.well-known/jwks.json", (HttpContext context) =>
        {
            Interlocked.Increment(ref server._fetches);
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(server.Document());
        });
        await app.StartAsync();
        return server;
    }

    /// <summary>Publishes a key (as Supabase does when a new signing key is created).</summary>
    public void Publish(RsaSecurityKey key)
    {
        lock (_keys)
        {
            _keys.Add(key);
        }
    }

    public SigningCredentials Credentials(RsaSecurityKey key) => new(key, SecurityAlgorithms.RsaSha256);

    private string Document()
    {
        lock (_keys)
        {
            var keys = _keys.Select(k =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(k.Rsa.ExportParameters(false)) { KeyId = k.KeyId });
                return new Dictionary<string, string?>
                {
                    ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E,
                };
            });
            return JsonSerializer.Serialize(new { keys });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
