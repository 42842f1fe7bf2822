namespace DonationService.Tests.Http;

/// <summary>GET /api/health: anonymous, 200 with database and broker status while both answer.</summary>
[Collection(DonationServiceCollection.Name)]
public sealed class HealthTests(DonationServiceFixture api)
{
    [Fact]
    public async Task Health_returns_200_with_database_and_broker_up_for_anonymous_callers()
    {
        using var response = await api.GetAsync("api/health");
        Assert.True(response.Headers.CacheControl?.NoStore, "health must not be cached");
        var health = await api.ExpectAsync(response, 200);

        Assert.Equal("donation-service", DonationServiceFixture.Text(health, "service"));
        Assert.Equal("healthy", DonationServiceFixture.Text(health, "status"));
        var checks = health.GetProperty("checks");
        Assert.Equal("up", DonationServiceFixture.Text(checks.GetProperty("database"), "status"));
        Assert.Equal("up", DonationServiceFixture.Text(checks.GetProperty("broker"), "status"));
    }
}
