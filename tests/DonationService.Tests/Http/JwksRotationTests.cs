using System.Diagnostics;
using Platform.Testing;

namespace DonationService.Tests.Http;

[CollectionDefinition(Name)]
public sealed class JwksRotationCollection
{
    public const string Name = "JWKS key rotation (own service process)";
}

/// <summary>
/// Key rotation against a service of its own: the service refetches JWKS for an unknown kid at most
/// once per 30 s, so this test waits that interval out; in its own collection it runs in parallel
/// with the rest of the suite instead of adding 30 s to it.
/// </summary>
[Collection(JwksRotationCollection.Name)]
public sealed class JwksRotationTests
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(30);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Rs256_token_with_a_key_published_after_the_first_fetch_is_accepted_after_a_refetch()
    {
        var original = TestTokens.NewRsaKey("rotation-original");
        var neverPublished = TestTokens.NewRsaKey("rotation-never-published");
        var rotated = TestTokens.NewRsaKey("rotation-new");
        await using var jwks = await LocalJwksServer.StartAsync();
        jwks.Publish(original);
        var tokens = new TestTokens(jwks.Url, TestEnvironment.JwtSecret);
        await using var service = await DonationServiceFixture.StartServiceAsync(jwks.Url);

        // The first RS256 token makes the service fetch the JWKS (one key).
        await ExpectAsync(service, tokens.Mint(Guid.NewGuid(), null, signing: jwks.Credentials(original)), 200);
        var sinceFirstFetch = Stopwatch.StartNew();
        Assert.Equal(1, jwks.Fetches);

        // An unknown kid inside the refresh interval is refused without hammering the endpoint.
        await ExpectAsync(service, tokens.Mint(Guid.NewGuid(), null, signing: jwks.Credentials(neverPublished)), 401);
        Assert.Equal(1, jwks.Fetches);

        // Rotation: the new key is published before its first use; once the interval has passed,
        // the unknown kid makes the service fetch again and accept it.

        jwks.Publish(rotated);
        var wait = MinRefreshInterval - sinceFirstFetch.Elapsed + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await ExpectAsync(service, tokens.Mint(Guid.NewGuid(), null, signing: jwks.Credentials(rotated)), 200);
        Assert.Equal(2, jwks.Fetches);
        await ExpectAsync(service, tokens.Mint(Guid.NewGuid(), null, signing: jwks.Credentials(original)), 200);
        await ExpectAsync(service, tokens.Mint(Guid.NewGuid(), null, signing: jwks.Credentials(neverPublished)), 401);
    }

    private static async Task ExpectAsync(ServiceProcess service, string token, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/profiles/me");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await service.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            (int)response.StatusCode == status,
            $"Expected {status}, got {(int)response.StatusCode}: {body}{Environment.NewLine}{service.OutputTail}");
    }
}
