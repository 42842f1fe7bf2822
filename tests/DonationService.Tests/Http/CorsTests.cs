using Platform.Testing;

namespace DonationService.Tests.Http;

/// <summary>
/// A donation-service process with CORS_ALLOWED_ORIGINS set, as a browser frontend meets it. Standalone,
/// the app answers CORS with its own policy; under the Functions host, the host answers preflights
/// (Host.CORS: any method and header for an allowed origin) and the app exposes its headers.
/// </summary>
public sealed class CorsServiceFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "http://localhost:5173";

    public ServiceProcess Service { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Service = await ServiceProcess.StartAsync("DonationService", new Dictionary<string, string?>
        {
            ["DonationDbConnection"] = TestEnvironment.Require("DonationDbConnection"),
            ["RabbitMQConnection"] = TestEnvironment.RabbitMqFor("DonationService"),
            ["SUPABASE_URL"] = "http://127.0.0.1:54321",
            ["SUPABASE_JWT_SECRET"] = TestEnvironment.JwtSecret,
            // The setting's form: comma-separated, spaces and a trailing slash tolerated.
            ["CORS_ALLOWED_ORIGINS"] = $"https://app.example.org, {AllowedOrigin}/",
        });

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}

public sealed class CorsTests(CorsServiceFixture fixture) : IClassFixture<CorsServiceFixture>
{
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private async Task<HttpResponseMessage> PreflightAsync(string origin, string method = "POST", string headers = "authorization,content-type,idempotency-key")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "api/donations");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", method);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", headers);
        return await fixture.Service.Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetFromAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/donations?limit=1");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return await fixture.Service.Client.SendAsync(request);
    }

    [Fact]
    public async Task Preflight_from_an_allowed_origin_allows_what_the_api_needs()
    {
        using var response = await PreflightAsync(CorsServiceFixture.AllowedOrigin);

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal(CorsServiceFixture.AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods")!.Split(','));
        var allowedHeaders = Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant().Split(',');
        Assert.Contains("authorization", allowedHeaders);
        Assert.Contains("content-type", allowedHeaders);
        Assert.Contains("idempotency-key", allowedHeaders);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    // The app's own policy, beyond what the test above checks in both modes: exactly the API's
    // methods, and its own request headers. Under the Functions host the host answers preflights
    // and allows any method and header.
    [Fact]
    [Trait("Hosting", "StandaloneOnly")]
    public async Task Preflight_from_an_allowed_origin_is_answered_with_exactly_the_api_methods_and_headers()
    {
        using var response = await PreflightAsync(CorsServiceFixture.AllowedOrigin);

        Assert.Equal(["DELETE", "GET", "POST", "PUT"], Header(response, "Access-Control-Allow-Methods")!.Split(',').Order());
        Assert.Contains("x-correlation-id", Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant().Split(','));
    }

    [Fact]
    public async Task Preflight_from_another_origin_gets_no_cors_headers()
    {
        using var response = await PreflightAsync("https://evil.example.com");

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Methods"));
    }

    // The app's own policy, as above.
    [Fact]
    [Trait("Hosting", "StandaloneOnly")]
    public async Task Preflight_for_a_header_outside_the_list_does_not_allow_that_header()
    {
        using var response = await PreflightAsync(CorsServiceFixture.AllowedOrigin, headers: "x-secret-header");

        Assert.DoesNotContain("x-secret-header", (Header(response, "Access-Control-Allow-Headers") ?? string.Empty).ToLowerInvariant().Split(','));
    }

    [Fact]
    public async Task A_request_from_an_allowed_origin_exposes_the_api_headers()
    {
        using var response = await GetFromAsync(CorsServiceFixture.AllowedOrigin);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(CorsServiceFixture.AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        var exposed = Header(response, "Access-Control-Expose-Headers")!.Split(',');
        Assert.Equal(["Idempotent-Replayed", "Location", "Retry-After", "X-Correlation-Id"], exposed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_request_from_another_origin_is_served_without_cors_headers()
    {
        using var response = await GetFromAsync("https://evil.example.com");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }
}
