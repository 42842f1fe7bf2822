using System.Net;
using System.Net.Http.Headers;
using Platform.Testing;

namespace DonationService.Tests.Http;

/// <summary>
/// A donation-service process with low read and write limits set through its settings. Anonymous
/// calls count against the client's address: in standalone mode the connection's peer, under the
/// Functions host the X-Forwarded-For the host writes; either way a client's own X-Forwarded-For
/// does not buy it a fresh allowance.
/// </summary>
public sealed class RateLimitedDonationFixture : IAsyncLifetime
{
    public ServiceProcess Service { get; private set; } = null!;

    public TestTokens Tokens { get; } = new("http://127.0.0.1:54321", TestEnvironment.JwtSecret);

    public async Task InitializeAsync() =>
        Service = await ServiceProcess.StartAsync("DonationService", new Dictionary<string, string?>
        {
            ["DonationDbConnection"] = TestEnvironment.Require("DonationDbConnection"),
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("DonationService"),
            ["SUPABASE_URL"] = "http://127.0.0.1:54321",
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            ["BlobStorageConnection"] = TestEnvironment.Require("BlobStorageConnection"),
            ["RateLimits__Reads__PermitLimit"] = "3",
            ["RateLimits__Reads__WindowSeconds"] = "30",
            ["RateLimits__Writes__PermitLimit"] = "2",
            ["RateLimits__Writes__WindowSeconds"] = "60",
        });

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}

public sealed class RateLimitApiTests(RateLimitedDonationFixture fixture) : IClassFixture<RateLimitedDonationFixture>
{
    private async Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        return await fixture.Service.Client.SendAsync(request);
    }

    private static async Task<int> StatusAsync(Task<HttpResponseMessage> send)
    {
        using var response = await send;
        return (int)response.StatusCode;
    }

    // One test: the anonymous allowance is the test run's address's, and each [Fact] would share it.
    [Fact]
    public async Task Anonymous_reads_past_the_addresses_allowance_are_429_whatever_X_Forwarded_For_claims_and_signed_in_users_keep_their_own()
    {
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await StatusAsync(GetAsync("api/donations?limit=1", forwardedFor: $"198.51.100.{i + 1}")));
        }

        using var refused = await GetAsync("api/donations?limit=1", forwardedFor: "198.51.100.77");
        var spoofed = await StatusAsync(GetAsync("api/donations?limit=1", forwardedFor: "203.0.113.9, 198.51.100.78"));
        var user = Guid.NewGuid();
        var signedIn = await StatusAsync(GetAsync("api/donations?limit=1", fixture.Tokens.User(user, $"{user:N}@test.local")));

        Assert.Equal([200, 200, 200], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("10", refused.Headers.GetValues("Retry-After").Single()); // a read comes back every 30 s / 3
        Assert.Contains("from this address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(429, spoofed);
        Assert.Equal(200, signedIn);
    }

    [Fact]
    public async Task A_donors_third_write_in_a_minute_is_a_429_and_creates_nothing()
    {
        var id = Guid.NewGuid();
        var token = fixture.Tokens.User(id, $"{id:N}@test.local");
        var client = fixture.Service.Client;
        async Task<int> PutRole()
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "api/profiles/me") { Content = JsonContent("""{"role":"donor"}""") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            return (int)response.StatusCode;
        }

        async Task<HttpResponseMessage> Create()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/donations") { Content = JsonContent("""{"title":"Chair","category":"furniture"}""") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await client.SendAsync(request);
        }

        var profile = await StatusAsync(GetAsync("api/profiles/me", token));
        var role = await PutRole();
        using var created = await Create();
        using var refused = await Create();
        using var mine = await GetAsync($"api/donations?donor_id={id}", token);

        Assert.Equal(200, profile);
        Assert.Equal(200, role);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("30", refused.Headers.GetValues("Retry-After").Single());
        Assert.Contains("from this account", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Single(System.Text.Json.JsonDocument.Parse(await mine.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
