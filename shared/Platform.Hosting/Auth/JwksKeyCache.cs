using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Hosting.Auth;

/// <summary>
/// The project's asymmetric signing keys from its JWKS endpoint: cached, and fetched again when a
/// token names a key id that the cache does not hold (key rotation), at most once per interval.
/// </summary>
public sealed class JwksKeyCache(HttpClient http, SupabaseAuthOptions options, TimeProvider clock, ILogger<JwksKeyCache> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<SecurityKey> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public async Task<SecurityKey?> FindAsync(string? keyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stale = now - _fetchedAt > options.JwksCacheDuration;
        if (!stale && Find(keyId) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refreshed while this one waited.
            if (Find(keyId) is { } found && clock.GetUtcNow() - _fetchedAt <= options.JwksCacheDuration)
            {
                return found;
            }

            if (clock.GetUtcNow() - _fetchedAt >= options.JwksMinRefreshInterval)
            {
                await RefreshAsync(cancellationToken);
            }

            return Find(keyId);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SecurityKey? Find(string? keyId) =>
        _keys.FirstOrDefault(k => keyId is null ? _keys.Count == 1 : string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        _fetchedAt = clock.GetUtcNow();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var json = await http.GetStringAsync(options.JwksUri, timeout.Token);
            var set = new JsonWebKeySet(json);
            _keys = set.GetSigningKeys().ToList();
            logger.LogInformation("Fetched {Count} signing keys from {Uri}", _keys.Count, options.JwksUri);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            // Keep the keys we had; tokens signed with an unknown key stay rejected until a fetch works.
            logger.LogWarning(ex, "Could not fetch signing keys from {Uri}", options.JwksUri);
        }
    }
}
